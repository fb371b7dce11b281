"""Aggregates behind the supervisor dashboards: GROUP BY over payment-date index ranges."""

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

# Posted payments only, as every KPI counts them.
_POSTED = "status = 'Posted' AND payment_date BETWEEN :start AND :end"
_COLUMNS = {"method": "method", "channel": "channel", "type": "payment_type"}

# One streaming pass: grouped in the order of the index on (status, payment_date, method,
# channel, payment_type, recorded_by, amount_minor) when it exists, so no sort of every row;
# the breakdowns then add up these few combinations per day, not the payments.
_COMBINATIONS = (
    "SELECT payment_date, method, channel, payment_type, recorded_by, "
    "sum(amount_minor) AS total, count(*) AS number FROM payments "
    f"WHERE {_POSTED} GROUP BY payment_date, method, channel, payment_type, recorded_by"
)
_BREAKDOWN = {
    "method": "SELECT 'method', method, method, sum(total), sum(number) FROM c GROUP BY method",
    "channel": (
        "SELECT 'channel', channel, channel, sum(total), sum(number) FROM c GROUP BY channel"
    ),
    "type": (
        "SELECT 'type', payment_type, payment_type, sum(total), sum(number) FROM c "
        "GROUP BY payment_type"
    ),
    "cashier": (
        "SELECT 'cashier', u.username, u.full_name, g.total, g.number FROM ("
        "  SELECT recorded_by, sum(total) AS total, sum(number) AS number FROM c"
        "  GROUP BY recorded_by"
        ") g LEFT JOIN users u ON u.id = g.recorded_by"
    ),
}

Breakdowns = dict[str, list[tuple[str | None, str | None, int, int]]]


def breakdowns(session: Session, dimensions: tuple[str, ...], start: date, end: date) -> Breakdowns:
    """Per dimension, (key, label, sum, count) largest first.

    Method, channel and type are their own key and label; a cashier is (username, full name),
    and online payments, which nobody recorded, are (None, None).
    """
    selects = " UNION ALL ".join(_BREAKDOWN[d] for d in dimensions)
    rows = session.execute(
        text(
            f"WITH c AS MATERIALIZED ({_COMBINATIONS}) "
            f"SELECT * FROM ({selects}) ORDER BY 1, 4 DESC, 3"
        ),
        _range(start, end),
    )
    found: Breakdowns = {d: [] for d in dimensions}
    for dimension, key, label, total, number in rows:  # a few rows per dimension
        found[dimension].append((key, label, int(total), int(number)))
    return found


def due_by_day(session: Session, start: date, end: date) -> dict[date, int]:
    """Bills, service charges and installments falling due each day (as kpi_sums.due)."""
    parts = [
        f"SELECT {column} AS day, sum(amount_minor) AS total FROM {table} "
        f"WHERE {column} BETWEEN :start AND :end GROUP BY {column}"
        for table, column in (
            ("bills", "due_date"),
            ("service_charges", "service_date"),
            ("installments", "due_date"),
        )
    ]
    rows = session.execute(
        text(f"SELECT day, sum(total) FROM ({' UNION ALL '.join(parts)}) GROUP BY day"),
        _range(start, end),
    )
    return {date.fromisoformat(day): int(total) for day, total in rows}


def _range(start: date, end: date) -> dict[str, Any]:
    return {"start": start.isoformat(), "end": end.isoformat()}
