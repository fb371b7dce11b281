"""Aggregates behind the KPI tiles, computed in SQL over index ranges."""

from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

_COLLECTED = text(
    "SELECT coalesce(sum(amount_minor), 0), count(*) FROM payments "
    "WHERE status = 'Posted' AND payment_date BETWEEN :start AND :end"
)
_DUE = text(
    "SELECT (SELECT coalesce(sum(amount_minor), 0) FROM bills"
    "        WHERE due_date BETWEEN :start AND :end)"
    " + (SELECT coalesce(sum(amount_minor), 0) FROM service_charges"
    "    WHERE service_date BETWEEN :start AND :end)"
    " + (SELECT coalesce(sum(amount_minor), 0) FROM installments"
    "    WHERE due_date BETWEEN :start AND :end)"
)
_AVG_DAYS = text(
    "SELECT avg(a.collection_days) FROM payments p "
    "JOIN payment_allocations a ON a.payment_id = p.id "
    "WHERE p.status = 'Posted' AND p.payment_date BETWEEN :start AND :end "
    "AND a.reversal_of IS NULL"
)


def collected(session: Session, start: date, end: date) -> tuple[int, int]:
    """Sum and count of posted payments dated in the range."""
    total, number = session.execute(_COLLECTED, _range(start, end)).one()
    return int(total), int(number)


def due(session: Session, start: date, end: date) -> int:
    """Bills, service charges and installments falling due in the range."""
    return int(session.execute(_DUE, _range(start, end)).scalar_one())


def average_collection_days(session: Session, start: date, end: date) -> float | None:
    value = session.execute(_AVG_DAYS, _range(start, end)).scalar_one()
    return None if value is None else float(value)


def _range(start: date, end: date) -> dict[str, str]:
    return {"start": start.isoformat(), "end": end.isoformat()}
