"""Setting where a series without {TERM} starts, so a utility continuing from its old system
(R-5001 after R-5000) keeps its numbers going. Safe by construction: before any number of the
series is leased the start may be set freely; after that only above every number leased and
above the current start, so no number can ever be handed out twice."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.dialects.postgresql import insert

from app.domain.numbering import SERIES
from sync.protocol import SeriesStart, SeriesStartRequest
from sync.server.auth import TerminalIdentity
from sync.server.events import record_event
from sync.server.tables import number_blocks
from sync.server.tables_series_starts import number_series_starts

MAX_START = 10**15


class SeriesStartRefused(ValueError):
    """The start cannot be set (the message says why, in words an admin can act on)."""


def set_series_start(
    conn: Connection, series: str, period: str, first: int, *, actor: str, now: datetime
) -> SeriesStart:
    """Set where `series` starts for `period` ("" or a year), under the series' lease lock."""
    if series not in SERIES:
        raise SeriesStartRefused(f"Unknown series {series!r}: choose one of {', '.join(SERIES)}.")
    if not 1 <= first <= MAX_START:
        raise SeriesStartRefused(f"The first number must be from 1 to {MAX_START}.")
    # The same lock a lease takes (number_blocks.lease_block): no lease can slip in between.
    conn.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
        {"key": f"number_blocks:{series}:{period}"},
    )
    where = (number_series_starts.c.series == series, number_series_starts.c.period == period)
    highest = conn.scalar(
        select(func.max(number_blocks.c.last_value)).where(
            number_blocks.c.series == series, number_blocks.c.period == period
        )
    )
    current = conn.scalar(select(number_series_starts.c.first_value).where(*where))
    words = series.replace("_", " ")
    if highest is not None:
        if first <= highest:
            raise SeriesStartRefused(
                f"Numbers up to {highest} of the {words} series are already leased: the start "
                f"can only move above {highest}."
            )
        if current is not None and first <= current:
            raise SeriesStartRefused(
                f"The {words} series already starts at {current}: it can only move up."
            )
    conn.execute(
        insert(number_series_starts)
        .values(series=series, period=period, first_value=first, set_by=actor, set_at=now)
        .on_conflict_do_update(
            index_elements=["series", "period"],
            set_={"first_value": first, "set_by": actor, "set_at": now},
        )
    )
    record_event(
        conn,
        actor=actor,
        action="number_series.start_set",
        at=now,
        series=series,
        period=period,
        first=first,
        before=current,
    )
    return SeriesStart(series=series, period=period, first=first)


def series_start_router(
    engine: Engine, clock: Callable[[], datetime], terminal: Callable[..., TerminalIdentity]
) -> APIRouter:
    router = APIRouter()

    @router.post(
        "/v1/number-series/start",
        response_model=SeriesStart,
        tags=["sync"],
        responses={
            401: {"description": "No or wrong terminal token"},
            409: {"description": "Numbers at or above the start are already leased"},
        },
    )
    def set_start(
        request: SeriesStartRequest, who: Annotated[TerminalIdentity, Depends(terminal)]
    ) -> Any:
        actor = f"{request.set_by} at {who.code}"
        try:
            with engine.begin() as conn:
                return set_series_start(
                    conn, request.series, request.period, request.first, actor=actor, now=clock()
                )
        except SeriesStartRefused as refused:
            raise HTTPException(status.HTTP_409_CONFLICT, str(refused)) from None

    return router
