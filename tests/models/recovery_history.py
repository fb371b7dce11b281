"""A real SQLite recovery database with months of history in which the outcomes follow a rule."""

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, update

from app.db.recovery_migrate import make_recovery_engine, migrate_recovery
from app.db.recovery_tables import (
    recovery_attempts,
    recovery_cases,
    recovery_events,
    recovery_messages,
)
from app.services.recovery_intake import Failure, intake, save_consumers
from app.services.recovery_portfolio import CaseRow, Consumer

NOW = datetime(2027, 1, 4, 12, tzinfo=UTC)
# NMI codes: 202 insufficient funds (usually paid in the end), 200 do not honor, 251 hard and
# 253 fraud (hardly ever paid).
CODES = {"202": 0.8, "200": 0.45, "251": 0.1, "253": 0.05}


def fill(url: str, consumers: int = 700, seed: int = 5) -> None:
    """Cases opened over the past ten months by the intake service, then what became of them:
    retries, reminders, payments, satisfaction surveys, and consumers who cancelled."""
    migrate_recovery(url)
    engine = make_recovery_engine(url)
    rng = random.Random(seed)
    people, failures, fates = [], [], {}
    for n in range(consumers):
        consumer = Consumer(f"C{n:04d}", f"c{n}@example.com", "", "US", "NY", "", "en", n % 9 == 0)
        people.append(consumer)
        happy = rng.random() < 0.5
        for k in range(rng.randint(1, 3)):
            code = rng.choice(list(CODES))
            failed = NOW - timedelta(days=rng.uniform(35, 300))
            row = CaseRow(
                case_id=f"K{n:04d}-{k}", consumer_id=consumer.consumer_id,
                amount_minor=rng.randint(2_000, 30_000), currency="USD", method="card",
                gateway="nmi", network="visa", card_type="debit", failed_at=failed, code=code,
                advice_code="", product="bill", due_date=None,
            )  # fmt: skip
            failures.append(Failure(row, f"vault-{n:04d}"))
            fates[row.case_id] = (rng.random() < CODES[code], happy, row)
    save_consumers(engine, people)
    intake(engine, "test", failures)
    rows: dict[str, list] = {"attempts": [], "messages": [], "events": [], "cases": []}
    for case_id, (paid, happy, row) in fates.items():
        _history(rows, rng, case_id, row, paid, happy)
    with engine.begin() as connection:
        connection.execute(recovery_attempts.insert(), rows["attempts"])
        connection.execute(recovery_messages.insert(), rows["messages"])
        connection.execute(recovery_events.insert(), rows["events"])
        connection.execute(
            update(recovery_cases)
            .where(recovery_cases.c.id == bindparam("case_id"))
            .values(
                status=bindparam("status"), recovered_minor=bindparam("recovered"), next_at=None
            ),
            rows["cases"],
        )
    engine.dispose()


def _history(rows: dict[str, list], rng: random.Random, case_id: str, row: CaseRow,
             paid: bool, happy: bool) -> None:  # fmt: skip
    tries = rng.randint(1, 4)
    for t in range(tries):
        approved = paid and t == tries - 1
        rows["attempts"].append(
            dict(
                case_id=case_id, instrument=f"vault-{row.consumer_id}",
                at=row.failed_at + timedelta(days=2 * (t + 1)), amount_minor=row.amount_minor,
                approved=approved, code="100" if approved else row.code,
                merchant_advice_code="", category=None, state="done",
                idempotency_key=f"{case_id}-{t}", external_id=None,
            )
        )  # fmt: skip
    for m in range(rng.randint(0, 3)):
        at = row.failed_at + timedelta(days=m + 1)
        rows["messages"].append(
            dict(
                case_id=case_id, consumer_id=row.consumer_id, at=at, channel="email",
                template="reminder", payment_link=True, urgent=False, accepted=True, error=None,
            )
        )  # fmt: skip
        if rng.random() < 0.5:
            rows["events"].append(_event(case_id, at + timedelta(hours=2), "read"))
    score = rng.choice([4, 5]) if happy else rng.choice([1, 2])
    rows["events"].append(
        _event(case_id, row.failed_at + timedelta(days=5), "satisfaction", {"score": score})
    )
    if not paid and not happy and rng.random() < 0.7:
        rows["events"].append(_event(case_id, row.failed_at + timedelta(days=10), "cancelled"))
    rows["cases"].append(
        {"case_id": case_id, "status": "paid" if paid else "stopped",
         "recovered": row.amount_minor if paid else 0}
    )  # fmt: skip


def _event(case_id: str, at: datetime, kind: str, detail: dict | None = None) -> dict:
    return dict(case_id=case_id, at=at, type=kind, channel=None, amount_minor=0, detail=detail)
