"""Dues behind the KPI tiles, summed in SQL over the due-date indexes (collections come from
the running totals: app/db/queries/kpi_totals.py)."""

from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

_DUE = text(
    "SELECT (SELECT coalesce(sum(amount_minor), 0) FROM bills"
    "        WHERE due_date BETWEEN :start AND :end)"
    " + (SELECT coalesce(sum(amount_minor), 0) FROM service_charges"
    "    WHERE service_date BETWEEN :start AND :end)"
    " + (SELECT coalesce(sum(amount_minor), 0) FROM installments"
    "    WHERE due_date BETWEEN :start AND :end)"
)


def due(session: Session, start: date, end: date) -> int:
    """Bills, service charges and installments falling due in the range."""
    return int(session.execute(_DUE, _range(start, end)).scalar_one())


def _range(start: date, end: date) -> dict[str, str]:
    return {"start": start.isoformat(), "end": end.isoformat()}
