"""Collections read from the per-day running totals (kpi_day_totals, kept by triggers).

Each function answers exactly what the same question asked of the payments themselves would:
posted payments dated in the range, and their allocations that a void did not reverse.
"""

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

_RANGE = "day BETWEEN :start AND :end"
# The first day of the bucket a date falls in; weeks run Monday to Sunday.
_BUCKET = {
    "day": "day",
    "week": "date(day, 'weekday 0', '-6 days')",
    "month": "strftime('%Y-%m-01', day)",
}
_COLLECTED = text(
    f"SELECT coalesce(sum(collected_minor), 0), coalesce(sum(payments), 0) "
    f"FROM kpi_day_totals WHERE {_RANGE}"
)
_COLLECTION_DAYS = text(
    "SELECT coalesce(sum(collection_days), 0), coalesce(sum(allocations), 0) "
    f"FROM kpi_day_totals WHERE {_RANGE}"
)
# A day whose payments were all voided keeps a row of zeros: not a day "with payments".
_BY_DAY = text(
    f"SELECT day, collected_minor, payments FROM kpi_day_totals WHERE {_RANGE} AND payments > 0 "
    "ORDER BY day"
)


def collected(session: Session, start: date, end: date) -> tuple[int, int]:
    """(sum, count) of posted payments dated in the range."""
    total, number = session.execute(_COLLECTED, _range(start, end)).one()
    return int(total), int(number)


def collection_days(session: Session, start: date, end: date) -> tuple[int, int]:
    """(sum of days, number of allocations) of posted payments dated in the range."""
    days, number = session.execute(_COLLECTION_DAYS, _range(start, end)).one()
    return int(days), int(number)


def by_day(session: Session, start: date, end: date) -> list[tuple[date, int, int]]:
    """(day, sum, count) for each day of the range with posted payments."""
    rows = session.execute(_BY_DAY, _range(start, end))
    return [(date.fromisoformat(day), int(total), int(number)) for day, total, number in rows]


def collection_days_by_bucket(
    session: Session, bucket: str, start: date, end: date
) -> dict[date, tuple[int, int]]:
    """(sum of days, number of allocations) per bucket that has any allocation."""
    rows = session.execute(
        text(
            f"SELECT {_BUCKET[bucket]} AS k, sum(collection_days), sum(allocations) "
            f"FROM kpi_day_totals WHERE {_RANGE} AND allocations > 0 GROUP BY k"
        ),
        _range(start, end),
    )
    return {date.fromisoformat(k): (int(days), int(number)) for k, days, number in rows}


def _range(start: date, end: date) -> dict[str, Any]:
    return {"start": start.isoformat(), "end": end.isoformat()}
