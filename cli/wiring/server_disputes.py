"""Disputes and special circumstances counters push reach the recovery service: after every
push the server passes the new ones to the recovery database ($TILLDESK_RECOVERY_DB), read
from its change feed by a cursor, so nothing is lost when the recovery database was down (the
next push catches up) and nothing is applied twice (versions only grow)."""

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request, Response
from sqlalchemy import Engine, select, update
from sqlalchemy.dialects.postgresql import insert
from starlette.concurrency import run_in_threadpool

from cli.wiring.server_options import ServerOptions
from sync.server.tables import changes
from sync.server.tables_disputes import consumer_circumstances, disputes, recovery_hold_cursor

log = logging.getLogger(__name__)

PAGE = 1000
ENTITIES = ("dispute", "consumer_circumstances")


def install(app: FastAPI, options: ServerOptions) -> None:
    """Forward right after each counter push (only where a recovery database is configured)."""
    if not options.recovery_db:
        return
    from app.services.recovery_database import recovery_db_url, shared_recovery_database

    recovery = shared_recovery_database(recovery_db_url(options.recovery_db))
    server: Engine = app.state.engine

    def after_push() -> None:
        try:
            forward_holds(server, recovery, options.clock())
        except Exception:  # the push is stored; the next push's round catches up
            log.exception("passing disputes to the recovery service failed")

    @app.middleware("http")
    async def holds_after_push(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        if request.url.path == "/v1/push" and response.status_code == 200:
            await run_in_threadpool(after_push)
        return response


def forward_holds(server: Engine, recovery: Engine, now: datetime) -> int:
    """Pass every dispute and circumstances change since the cursor; returns how many."""
    from app.services.circumstances_recovery import record_circumstances
    from app.services.disputes_recovery import record_dispute

    passed = 0
    while True:
        with server.connect() as conn:
            cursor = conn.scalar(select(recovery_hold_cursor.c.seq)) or 0
            page = conn.execute(
                select(changes.c.seq, changes.c.entity, changes.c.key)
                .where(changes.c.seq > cursor, changes.c.entity.in_(ENTITIES))
                .order_by(changes.c.seq)
                .limit(PAGE)
            ).all()
            current = {(row.entity, row.key): _current(conn, row.entity, row.key) for row in page}
        if not page:
            return passed
        for (entity, _key), row in current.items():
            if row is None:
                continue
            if entity == "dispute":
                record_dispute(recovery, _dispute_notice(row), now)
            else:
                record_circumstances(recovery, _circumstances_notice(row))
            passed += 1
        with server.begin() as conn:
            conn.execute(
                insert(recovery_hold_cursor)
                .values(id=1, seq=page[-1].seq)
                .on_conflict_do_update(index_elements=["id"], set_={"seq": page[-1].seq})
            )
            conn.execute(  # a slower concurrent round never moves the cursor back
                update(recovery_hold_cursor)
                .where(recovery_hold_cursor.c.seq < page[-1].seq)
                .values(seq=page[-1].seq)
            )
        if len(page) < PAGE:
            return passed


def _current(conn: Any, entity: str, key: str) -> Any:
    """The record as the server holds it now (a later change of it may already be there)."""
    if entity == "dispute":
        query = select(disputes).where(disputes.c.id == uuid.UUID(key))
    else:
        query = select(consumer_circumstances).where(
            consumer_circumstances.c.consumer_id == uuid.UUID(key)
        )
    return conn.execute(query).first()


def _dispute_notice(row: Any) -> Any:
    from app.services.disputes_recovery import DisputeNotice

    data = row.data
    return DisputeNotice(
        id=str(row.id), consumer_id=row.account_number or str(row.consumer_id),
        subject=row.subject, subject_number=row.subject_number, external_id=row.external_id,
        status=row.status, reason=data["reason"], resolution=data.get("resolution"),
        version=row.version, updated_at=row.updated_at,
    )  # fmt: skip


def _circumstances_notice(row: Any) -> Any:
    from app.services.circumstances_recovery import CircumstancesNotice

    data = row.data
    return CircumstancesNotice(
        consumer_id=row.account_number or str(row.consumer_id),
        circumstances=tuple(data["circumstances"]),
        preferred_channel=data.get("preferred_channel", ""),
        preferred_from=data.get("preferred_from", ""),
        preferred_until=data.get("preferred_until", ""),
        language=data.get("language", ""),
        set_by=data["set_by"],
        set_at=datetime.fromisoformat(data["set_at"]),
        version=row.version,
    )
