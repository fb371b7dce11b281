"""A recovery database with consumers and failed payments for the payment link tests."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, select

from app.db.recovery_tables import recovery_cases, recovery_consumers, recovery_events
from app.services.recovery_intake import Failure, intake
from app.services.recovery_portfolio import CaseRow

LINK_SECRET = b"payment-link-test-secret-0123456789abcdef"


def seed_case(
    engine: Engine,
    case_id: str,
    *,
    amount_minor: int = 14550,
    currency: str = "USD",
    code: str = "insufficient_funds",
    name: str = "Asha Rao",
    country: str = "US",
    language: str = "en",
    due_date: date | None = date(2026, 12, 20),
) -> str:
    """One consumer with one failed Stripe card payment; returns the case id."""
    consumer_id = f"C-{case_id}"
    with engine.begin() as connection:
        connection.execute(
            recovery_consumers.insert().values(
                id=consumer_id, name=name, email=f"{consumer_id.lower()}@example.com",
                phone="", country=country, subdivision="", timezone="", language=language,
                vip=False,
            )
        )  # fmt: skip
    row = CaseRow(
        case_id=case_id, consumer_id=consumer_id, amount_minor=amount_minor, currency=currency,
        method="card", gateway="stripe", network="visa", card_type="credit",
        failed_at=datetime.now(UTC) - timedelta(hours=2), code=code, advice_code="",
        product="bill", due_date=due_date,
    )  # fmt: skip
    report = intake(engine, "test", [Failure(row, f"cus_{case_id}", f"pi_{case_id}")])
    return report.added[0]


def case_row(engine: Engine, case_id: str) -> dict:
    with engine.connect() as connection:
        row = connection.execute(select(recovery_cases).where(recovery_cases.c.id == case_id))
        return dict(row.one()._mapping)


def events(engine: Engine, case_id: str) -> list[tuple[str, int]]:
    query = (
        select(recovery_events.c.type, recovery_events.c.amount_minor)
        .where(recovery_events.c.case_id == case_id)
        .order_by(recovery_events.c.id)
    )
    with engine.connect() as connection:
        return [(r.type, r.amount_minor) for r in connection.execute(query)]
