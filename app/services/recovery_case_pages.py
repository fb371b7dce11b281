"""Recovery cases a page at a time for the integration API: filters and a keyset cursor.

The cursor is the (failed_at, id) of the last case on the page, so pages stay stable while
new cases arrive (an offset would skip or repeat rows).
"""

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, and_, or_, select

from app.db.recovery_tables import recovery_cases
from app.domain.errors import UserFacingError
from app.services.recovery_cases import STATUSES, case_timeline

MAX_LIMIT = 500


@dataclass(frozen=True)
class CaseFilters:
    status: str | None = None
    gateway: str | None = None
    method: str | None = None
    segment: str | None = None
    consumer_id: str | None = None
    failed_from: datetime | None = None  # included
    failed_to: datetime | None = None  # excluded


def case_row(case: dict[str, Any]) -> dict[str, Any]:
    """A case as the API shows it: money in integer minor units beside its currency."""
    keys = (
        "id", "consumer_id", "amount_minor", "recovered_minor", "currency", "method", "gateway",
        "category", "segment", "product", "status", "status_reason", "failed_at", "next_at",
        "written_off_minor",
    )  # fmt: skip
    return {key: case.get(key) for key in keys}


def case_page(
    engine: Engine, filters: CaseFilters, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Cases newest failure first; returns the page and the cursor of the next (None: last)."""
    if filters.status is not None and filters.status not in STATUSES:
        raise UserFacingError(f"Unknown status {filters.status!r}: one of {', '.join(STATUSES)}.")
    limit = max(1, min(limit, MAX_LIMIT))
    c = recovery_cases.c
    query = select(recovery_cases).order_by(c.failed_at.desc(), c.id.desc()).limit(limit + 1)
    for column, wanted in (
        (c.status, filters.status),
        (c.gateway, filters.gateway),
        (c.method, filters.method),
        (c.segment, filters.segment),
        (c.consumer_id, filters.consumer_id),
    ):
        if wanted is not None:
            query = query.where(column == wanted)
    if filters.failed_from is not None:
        query = query.where(c.failed_at >= _utc(filters.failed_from))
    if filters.failed_to is not None:
        query = query.where(c.failed_at < _utc(filters.failed_to))
    if cursor:
        failed_at, case_id = _decode(cursor)
        query = query.where(
            or_(c.failed_at < failed_at, and_(c.failed_at == failed_at, c.id < case_id))
        )
    with engine.connect() as connection:
        rows = [dict(r._mapping) for r in connection.execute(query)]
    page, more = rows[:limit], len(rows) > limit
    next_cursor = _encode(page[-1]["failed_at"], page[-1]["id"]) if more else None
    return [case_row(r) for r in page], next_cursor


def case_with_timeline(engine: Engine, case_id: str) -> dict[str, Any] | None:
    try:
        case, entries = case_timeline(engine, case_id)
    except UserFacingError:
        return None
    timeline = [{"at": e.at, "kind": e.kind, "text": e.text} for e in entries]
    return {**case_row(case), "timeline": timeline}


def _utc(moment: datetime) -> datetime:
    """A time given without a zone is taken as UTC, the zone every stored time is in."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _encode(failed_at: datetime, case_id: str) -> str:
    raw = json.dumps([failed_at.isoformat(), case_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        failed_at, case_id = json.loads(raw)
        when = datetime.fromisoformat(failed_at)
        if when.tzinfo is None or not isinstance(case_id, str):
            raise ValueError
        return when, case_id
    except (ValueError, TypeError):
        raise UserFacingError("The cursor is not one this server gave out.") from None
