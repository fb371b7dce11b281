"""Blocks of sequence numbers leased to terminals, for formats without {TERM} (R-{SEQ}).

A terminal asks for a block per series and period at sync; the server hands out the next
`block_size` numbers no other terminal holds, under a per-series transaction lock, and a
pushed number of such a series is accepted only when it lies in one of the pusher's blocks.
"""

import os
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.dialects.postgresql import insert

from app.domain.number_series import period_and_sequence
from sync.protocol import NumberBlock, NumberBlockRequest
from sync.server.auth import TerminalIdentity
from sync.server.records import Rejected
from sync.server.series_starts import series_start_router
from sync.server.tables import number_blocks
from sync.server.tables_series_starts import number_series_starts

DEFAULT_BLOCK_SIZE = 500
MAX_BLOCK_SIZE = 100_000


def block_size_from_environment() -> int:
    """$TILLDESK_NUMBER_BLOCK_SIZE, or 500: how many numbers one lease hands out."""
    raw = os.environ.get("TILLDESK_NUMBER_BLOCK_SIZE", "").strip()
    size = int(raw) if raw.isdigit() else DEFAULT_BLOCK_SIZE
    return min(max(size, 1), MAX_BLOCK_SIZE)


def lease_block(
    conn: Connection,
    terminal: TerminalIdentity,
    request: NumberBlockRequest,
    *,
    size: int,
    now: datetime,
) -> NumberBlock:
    """The block for this request: the one already leased under its id, or a new one."""
    # One lease of a series at a time (held to the commit): the next block starts after the
    # highest number ever leased, so two terminals can never be handed the same number.
    conn.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
        {"key": f"number_blocks:{request.series}:{request.period}"},
    )
    known = conn.execute(
        select(number_blocks).where(number_blocks.c.id == request.request_id)
    ).first()
    if known is None:
        highest = conn.scalar(
            select(func.max(number_blocks.c.last_value)).where(
                number_blocks.c.series == request.series,
                number_blocks.c.period == request.period,
            )
        )
        first = max(int(highest or 0) + 1, series_start(conn, request.series, request.period))
        conn.execute(
            insert(number_blocks).values(
                id=request.request_id,
                terminal_id=terminal.id,
                series=request.series,
                period=request.period,
                first_value=first,
                last_value=first + size - 1,
                leased_at=now,
            )
        )
        known = conn.execute(
            select(number_blocks).where(number_blocks.c.id == request.request_id)
        ).one()
    if known.terminal_id != terminal.id or (known.series, known.period) != (
        request.series,
        request.period,
    ):
        raise HTTPException(
            status.HTTP_409_CONFLICT, "This request id was already used for another block."
        )
    return NumberBlock(
        request_id=known.id,
        series=known.series,
        period=known.period,
        first=known.first_value,
        last=known.last_value,
    )


def series_start(conn: Connection, series: str, period: str) -> int:
    """The first number of a series the administrator set (series_starts.py), or 1."""
    start = conn.scalar(
        select(number_series_starts.c.first_value).where(
            number_series_starts.c.series == series, number_series_starts.c.period == period
        )
    )
    return int(start or 1)


def require_in_blocks(
    conn: Connection, terminal: TerminalIdentity, series: str, number: str, pattern: str
) -> None:
    """A number of a format without {TERM} must lie in a block leased to this terminal."""
    what = series.replace("_", " ") + " number"
    found = period_and_sequence(number, pattern)
    if found is None:
        raise Rejected(f"{what} {number} is not in the series ({pattern})")
    period, sequence = found
    held = conn.scalar(
        select(number_blocks.c.id).where(
            number_blocks.c.terminal_id == terminal.id,
            number_blocks.c.series == series,
            number_blocks.c.period == period,
            number_blocks.c.first_value <= sequence,
            number_blocks.c.last_value >= sequence,
        )
    )
    if held is None:
        raise Rejected(
            f"{what} {number} is not in a block of numbers leased to terminal {terminal.code}"
        )


def number_block_router(
    engine: Engine,
    clock: Callable[[], datetime],
    terminal: Callable[..., TerminalIdentity],
    *,
    block_size: int | None = None,
) -> APIRouter:
    size = block_size or block_size_from_environment()
    router = APIRouter()

    router.include_router(series_start_router(engine, clock, terminal))

    @router.post(
        "/v1/number-blocks",
        response_model=NumberBlock,
        tags=["sync"],
        responses={401: {"description": "No or wrong terminal token"}},
    )
    def lease(
        request: NumberBlockRequest, who: Annotated[TerminalIdentity, Depends(terminal)]
    ) -> Any:
        with engine.begin() as conn:
            return lease_block(conn, who, request, size=size, now=clock())

    return router
