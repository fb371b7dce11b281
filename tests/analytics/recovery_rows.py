"""Hand-built recovery databases for the analytics tests: cases, attempts, messages, events."""

from datetime import UTC, date, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, select

from app.db.recovery_tables import (
    recovery_attempts,
    recovery_cases,
    recovery_events,
    recovery_messages,
)
from app.db.recovery_tables_alerts import recovery_charge_volumes
from app.services.recovery_database import open_recovery_database

_keys = count(1)


def recovery_engine(tmp_path: Path) -> Engine:
    """A real SQLite file, migrated to head like `tilldesk recovery` does."""
    return open_recovery_database(f"sqlite:///{tmp_path / 'recovery.db'}")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def add_case(engine: Engine, case_id: str, **given: Any) -> None:
    with engine.begin() as connection:
        connection.execute(recovery_cases.insert().values(**case_row(case_id, **given)))


def case_row(case_id: str, **given: Any) -> dict[str, Any]:
    return {
        "id": case_id,
        "consumer_id": "C-" + case_id,
        "amount_minor": 1000,
        "currency": "USD",
        "method": "card",
        "gateway": "stripe",
        "card_network": "visa",
        "card_type": "credit",
        "failed_at": at("2027-01-05T10:00:00"),
        "code": "generic_decline",
        "merchant_advice_code": "",
        "category": "do_not_honor",
        "product": "bill",
        "segment": "standard",
        "status": "open",
        "recovered_minor": 0,
        "instrument": "pm_" + case_id,
        **given,
    }


def add_attempt(
    engine: Engine, case_id: str, when: datetime, approved: bool | None, **given: Any
) -> None:
    row = {
        "case_id": case_id,
        "instrument": "pm_" + case_id,
        "at": when,
        "amount_minor": 1000,
        "approved": approved,
        "code": "" if approved else "generic_decline",
        "state": "done",
        "idempotency_key": f"key-{next(_keys)}",
        **given,
    }
    with engine.begin() as connection:
        connection.execute(recovery_attempts.insert().values(**row))


def add_message(engine: Engine, case_id: str, channel: str, accepted: bool = True) -> None:
    with engine.begin() as connection:
        connection.execute(
            recovery_messages.insert().values(
                case_id=case_id, consumer_id="C-" + case_id, at=at("2027-01-06T09:00:00"),
                channel=channel, template="reminder", payment_link=True, urgent=False,
                accepted=accepted, error=None if accepted else "refused",
            )
        )  # fmt: skip


def add_event(engine: Engine, case_id: str, kind: str, when: datetime, **detail: Any) -> None:
    with engine.begin() as connection:
        connection.execute(
            recovery_events.insert().values(
                case_id=case_id, at=when, type=kind, amount_minor=0, detail=detail or None
            )
        )


def add_volume(engine: Engine, day: date, method: str, gateway: str, charges: int) -> None:
    with engine.begin() as connection:
        connection.execute(
            recovery_charge_volumes.insert().values(
                day=day.isoformat(), method=method, gateway=gateway, charges=charges
            )
        )


def daily_failures(
    engine: Engine,
    last_day: date,
    days: int,
    charges: int,
    failures: int,
    *,
    gateway: str = "stripe",
    card_type: str = "credit",
    status: str = "paid",
    replace: bool = True,
    volume: bool = True,
) -> None:
    """`days` days up to `last_day`, each with `charges` card charges of which `failures` failed.

    Earlier rows of the same gateway are replaced (unless `replace` is false), so a test can
    change the world between evaluations.
    """
    if replace:
        with engine.begin() as connection:
            ids = select(recovery_cases.c.id).where(recovery_cases.c.gateway == gateway)
            for table in (recovery_attempts, recovery_messages):
                connection.execute(delete(table).where(table.c.case_id.in_(ids)))
            connection.execute(delete(recovery_cases).where(recovery_cases.c.gateway == gateway))
            connection.execute(
                delete(recovery_charge_volumes).where(recovery_charge_volumes.c.gateway == gateway)
            )
    method = "debit_card" if card_type == "debit" else "credit_card"
    cases = []
    for back in range(days):
        day = last_day - timedelta(days=back)
        if volume:
            add_volume(engine, day, method, gateway, charges)
        cases += [
            case_row(
                f"{gateway}-{day}-{n}", gateway=gateway, card_type=card_type,
                failed_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
                status=status, recovered_minor=1000 if status == "paid" else 0,
            )
            for n in range(failures)
        ]  # fmt: skip
    if cases:
        with engine.begin() as connection:
            connection.execute(recovery_cases.insert(), cases)
