"""Recovery rows for Smart Collect tests, written straight into a real recovery database."""

from datetime import datetime, timedelta

from sqlalchemy import Engine

from app.db.recovery_tables import recovery_attempts, recovery_cases, recovery_consumers
from app.db.recovery_tables_smart_collect import recovery_credits
from app.recovery.smart_collect.income import Credit


def add_consumer(engine: Engine, consumer_id: str, *, vip: bool = False) -> None:
    with engine.begin() as connection:
        connection.execute(recovery_consumers.insert().values(
            id=consumer_id, name=f"Consumer {consumer_id}", email=f"{consumer_id}@example.com",
            phone="", country="US", subdivision="NY", timezone="America/New_York",
            language="en", vip=vip,
        ))  # fmt: skip


def add_case(
    engine: Engine, case_id: str, consumer_id: str, failed_at: datetime, *,
    amount_minor: int = 20_000, code: str = "insufficient_funds",
    category: str = "insufficient_funds", status: str = "open",
    next_at: datetime | None = None, recovered_minor: int = 0, product: str = "bill",
) -> None:  # fmt: skip
    with engine.begin() as connection:
        connection.execute(recovery_cases.insert().values(
            id=case_id, consumer_id=consumer_id, amount_minor=amount_minor, currency="USD",
            method="card", gateway="stripe", card_network="visa", card_type="debit",
            failed_at=failed_at, code=code, merchant_advice_code="", category=category,
            product=product, due_date=None, segment="standard", status=status,
            recovered_minor=recovered_minor, instrument=f"cus_{consumer_id}",
            next_at=next_at if status == "open" else None,
        ))  # fmt: skip


def add_attempt(
    engine: Engine, case_id: str, at: datetime, approved: bool, amount_minor: int = 20_000,
    code: str = "", category: str | None = None,
) -> None:  # fmt: skip
    with engine.begin() as connection:
        connection.execute(recovery_attempts.insert().values(
            case_id=case_id, instrument=f"cus_{case_id}", at=at, amount_minor=amount_minor,
            approved=approved, code=code or ("" if approved else "insufficient_funds"),
            category=category if not approved else None, state="done",
        ))  # fmt: skip


def add_credits(engine: Engine, consumer_id: str, credits: list[Credit], now: datetime) -> None:
    with engine.begin() as connection:
        connection.execute(recovery_credits.insert(), [
            {"consumer_id": consumer_id, "credited_on": c.on.isoformat(),
             "amount_minor": c.amount_minor, "currency": "USD", "source": c.source,
             "balance_minor": c.balance_minor, "imported_at": now}
            for c in credits
        ])  # fmt: skip


def paid_history(engine: Engine, consumer_id: str, first: datetime, months: int) -> None:
    """Earlier cases of the consumer, each paid on its first retry three days later."""
    for n in range(months):
        failed = first + timedelta(days=30 * n)
        case_id = f"{consumer_id}-OLD{n}"
        add_case(engine, case_id, consumer_id, failed, status="paid", recovered_minor=20_000)
        add_attempt(engine, case_id, failed + timedelta(days=3), True)
