"""A richer demo portfolio for the recovery screens: a few hundred failed payments from
consumers with salary histories, and what recovering them looked like (decisions with reasons
and scores, charges at various hours, reminders, payments). Deterministic for a seed.

`tilldesk recovery demo` opens eight cases for the engine to work on; this one fills the
queue, Smart Collect and the analytics with months of history at once.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select, update

from app.db.recovery_tables import (
    recovery_attempts,
    recovery_cases,
    recovery_decisions,
    recovery_messages,
)
from app.db.recovery_tables_smart_collect import recovery_credits
from app.services.recovery_intake import Failure, intake, save_consumers
from app.services.recovery_portfolio import CaseRow, Consumer

PREFIX = "RICH"
SOURCE = "demo-rich"
ZONES = ("America/New_York", "America/Chicago", "America/Los_Angeles")
# gateway, network, code, soft (retried) or hard (a new method is needed)
FAILURES = (
    ("stripe", "visa", "insufficient_funds", True),
    ("stripe", "mastercard", "insufficient_funds", True),
    ("nmi", "visa", "202", True),
    ("stripe", "visa", "do_not_honor", True),
    ("nmi", "mastercard", "301", True),
    ("nmi", "visa", "223", False),
    ("stripe", "visa", "expired_card", False),
)
AMOUNTS = (2_999, 4_500, 6_100, 8_000, 12_900, 25_000, 60_000, 180_000)
PRODUCTS = ("bill", "installment", "service")
CHANNELS = ("email", "sms", "whatsapp")
MAX_RETRIES = 4


@dataclass(frozen=True)
class RichDemo:
    consumers: int
    cases: int
    attempts: int
    paid: int
    already_there: bool = False


@dataclass(frozen=True)
class _Payer:
    consumer: Consumer
    paydays: tuple[int, ...]  # days of the month the salary arrives
    salary_minor: int
    regular: bool


def rich_demo(
    engine: Engine,
    now: datetime,
    consumers: int = 150,
    seed: int = 12,
    names: Sequence[str] = (),
) -> RichDemo:
    """Consumers RC0001.. (named from `names` in turn), their credits, cases RICH-00001.. and
    their recovery so far."""
    with engine.connect() as connection:
        known = connection.execute(
            select(recovery_cases.c.id).where(recovery_cases.c.id.like(f"{PREFIX}-%")).limit(1)
        ).first()
    if known is not None:
        return RichDemo(0, 0, 0, 0, already_there=True)
    rng = random.Random(seed)
    payers = [_payer(rng, n) for n in range(1, consumers + 1)]
    if names:  # apart from the draws: the same seed makes the same demo, named or not
        payers = [
            replace(p, consumer=replace(p.consumer, name=names[i % len(names)]))
            for i, p in enumerate(payers)
        ]
    save_consumers(engine, [p.consumer for p in payers])
    _credits(engine, rng, payers, now)
    failures: list[tuple[_Payer, Failure, bool]] = []
    for payer in payers:
        for _ in range(rng.choice((1, 1, 2, 3))):
            failures.append(_failure(rng, payer, len(failures) + 1, now))
    intake(engine, SOURCE, [failure for _p, failure, _soft in failures])
    attempts = paid = 0
    for payer, failure, soft in failures:
        made, recovered = _recover(engine, rng, payer, failure.row, soft, now)
        attempts, paid = attempts + made, paid + recovered
    return RichDemo(len(payers), len(failures), attempts, paid)


def _payer(rng: random.Random, n: int) -> _Payer:
    kind = rng.random()
    paydays = (rng.randint(1, 28),) if kind < 0.6 else (1, 15) if kind < 0.8 else ()
    consumer = Consumer(f"RC{n:04d}", f"rc{n:04d}@example.com", "", "US", "NY",
                        rng.choice(ZONES), "en", rng.random() < 0.05)  # fmt: skip
    salary = rng.choice((180_000, 250_000, 320_000, 450_000, 700_000))
    return _Payer(consumer, paydays, salary, bool(paydays))


def _credits(engine: Engine, rng: random.Random, payers: list[_Payer], now: datetime) -> None:
    rows = []
    for payer in payers:
        zone = ZoneInfo(payer.consumer.timezone)
        today = now.astimezone(zone).date()
        for day in _paid_days(rng, payer, today):
            amount = payer.salary_minor // max(1, len(payer.paydays))
            amount = int(
                amount * (rng.uniform(0.97, 1.03) if payer.regular else rng.uniform(0.4, 1.6))
            )
            rows.append({
                "consumer_id": payer.consumer.consumer_id, "credited_on": day.isoformat(),
                "amount_minor": amount, "currency": "USD", "source": "demo",
                "balance_minor": amount + rng.randint(0, 40_000), "imported_at": now,
            })  # fmt: skip
    with engine.begin() as connection:
        connection.execute(recovery_credits.insert(), rows)


def _paid_days(rng: random.Random, payer: _Payer, today: date) -> list[date]:
    """Six months of paydays before today (irregular earners: a dozen scattered days)."""
    if not payer.regular:
        return sorted({today - timedelta(days=rng.randint(1, 180)) for _ in range(12)})
    days = []
    year, month = today.year, today.month
    for _ in range(7):
        for payday in payer.paydays:
            day = date(year, month, payday)
            if day < today:
                days.append(day)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(days)[-6 * len(payer.paydays) :]


def _failure(
    rng: random.Random, payer: _Payer, n: int, now: datetime
) -> tuple[_Payer, Failure, bool]:
    gateway, network, code, soft = rng.choice(FAILURES)
    failed = now - timedelta(days=rng.uniform(0.5, 80), hours=rng.randint(0, 23))
    row = CaseRow(
        case_id=f"{PREFIX}-{n:05d}", consumer_id=payer.consumer.consumer_id,
        amount_minor=rng.choice(AMOUNTS), currency="USD", method="card", gateway=gateway,
        network=network, card_type=rng.choice(("debit", "credit")), failed_at=failed, code=code,
        advice_code="", product=rng.choice(PRODUCTS), due_date=failed.date(),
    )  # fmt: skip
    return payer, Failure(row, f"demo-rich-token-{n:05d}"), soft


def _recover(
    engine: Engine, rng: random.Random, payer: _Payer, row: CaseRow, soft: bool, now: datetime
) -> tuple[int, bool]:
    """Retries spaced 2-5 days, likelier to pass in the days after a payday; (attempts, paid)."""
    zone = ZoneInfo(payer.consumer.timezone)
    decisions, attempts, messages = [], [], []
    if rng.random() < 0.6:
        messages.append(_message(rng, row, row.failed_at + timedelta(hours=20)))
    at, status, next_at = row.failed_at, "open", None
    for number in range(1, MAX_RETRIES + 1 if soft else 1):
        at = at + timedelta(days=rng.randint(2, 5))
        at = at.replace(hour=rng.randint(12, 23), minute=rng.randint(0, 59))
        if at >= now:
            next_at = at
            break
        local = at.astimezone(zone)
        after_payday = any(2 <= (local.day - d) % 30 <= 7 for d in payer.paydays)
        chance = 0.7 if after_payday else 0.25
        approved = rng.random() < chance
        window = "inside" if after_payday else "outside"
        decisions.append(_decision(row, at, f"retry {number} of {MAX_RETRIES}, {window} the "
                                   "window after the consumer's payday", chance))  # fmt: skip
        attempts.append(_attempt(row, at, number, approved))
        if approved:
            status = "paid"
            break
    else:
        if soft:
            status = "stopped"
            decisions.append(_decision(row, at, f"all {MAX_RETRIES} retries made", None, "stop"))
        else:
            decisions.append(_decision(row, row.failed_at + timedelta(minutes=5),
                                       "hard decline: ask for a new payment method", None,
                                       "wait"))  # fmt: skip
    with engine.begin() as connection:
        for table, rows in ((recovery_decisions, decisions), (recovery_attempts, attempts),
                            (recovery_messages, messages)):  # fmt: skip
            if rows:
                connection.execute(table.insert(), rows)
        connection.execute(
            update(recovery_cases).where(recovery_cases.c.id == row.case_id).values(
                status=status, next_at=next_at if status == "open" else None,
                recovered_minor=row.amount_minor if status == "paid" else 0,
                status_reason="demo history" if status != "open" else None,
            )
        )  # fmt: skip
    return len(attempts), status == "paid"


def _decision(
    row: CaseRow, at: datetime, reason: str, score: float | None, kind: str = "retry_at"
) -> dict:
    return {"case_id": row.case_id, "decided_at": at - timedelta(hours=6), "policy": "smart",
            "kind": kind, "act_at": at, "amount_minor": row.amount_minor if kind == "retry_at"
            else 0, "reason": f"demo: {reason}", "score": score}  # fmt: skip


def _attempt(row: CaseRow, at: datetime, number: int, approved: bool) -> dict:
    return {"case_id": row.case_id, "instrument": f"demo-rich-{row.consumer_id}", "at": at,
            "amount_minor": row.amount_minor, "approved": approved,
            "code": "" if approved else row.code, "merchant_advice_code": "",
            "category": None if approved else "insufficient_funds", "state": "done",
            "idempotency_key": f"{row.case_id}-{number}"}  # fmt: skip


def _message(rng: random.Random, row: CaseRow, at: datetime) -> dict:
    return {"case_id": row.case_id, "consumer_id": row.consumer_id, "at": at,
            "channel": rng.choice(CHANNELS), "template": "payment_failed", "payment_link": True,
            "urgent": False, "accepted": True, "reminder_id": f"{row.case_id}-1"}  # fmt: skip
