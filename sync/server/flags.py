"""Flags: records the server accepted but a supervisor must look at.

"overpayment": a bill paid beyond its amount (two counters took it while offline).
"duplicate_different": a record re-sent under the same id with other content.
One open flag per kind and subject; a later occurrence refreshes its detail. Every flag is
published on the change feed (entity "flag") so the counters' sync screens can list it; a
supervisor's resolution (pushed as "flag_resolution") closes it and is published the same way.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, cast, literal, select, text, update
from sqlalchemy.dialects.postgresql import JSONB, insert

from app.domain.ids import new_id
from sync.server.feed import NewChange
from sync.server.records import Rejected
from sync.server.tables import flags


def raise_flag(
    connection: Connection, kind: str, subject: str, detail: dict[str, Any], at: datetime
) -> NewChange:
    """Insert or refresh the open flag; returns the change to publish."""
    row = connection.execute(
        insert(flags)
        .values(
            id=new_id(), kind=kind, subject=subject, detail=detail, created_at=at, updated_at=at
        )
        .on_conflict_do_update(
            index_elements=["kind", "subject"],
            index_where=text("resolved_at IS NULL"),
            set_={"detail": detail, "updated_at": at},
        )
        .returning(flags)
    ).one()
    return NewChange("flag", str(row.id), flag_data(row))


def resolve_flag(
    connection: Connection, flag_id: uuid.UUID, resolution: dict[str, Any], at: datetime
) -> NewChange | None:
    """Mark an open flag resolved, keeping how in its detail; returns the change to publish,
    or None when it was already resolved (the first resolution stands)."""
    row = connection.execute(
        update(flags)
        .where(flags.c.id == flag_id, flags.c.resolved_at.is_(None))
        .values(
            resolved_at=at,
            updated_at=at,
            detail=flags.c.detail.op("||")(cast(literal({"resolution": resolution}, JSONB), JSONB)),
        )
        .returning(flags)
    ).first()
    if row is not None:
        return NewChange("flag", str(row.id), flag_data(row))
    if connection.scalar(select(flags.c.id).where(flags.c.id == flag_id)) is None:
        raise Rejected(f"unknown flag {flag_id}")
    return None


def flag_data(row: Any) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "kind": row.kind,
        "subject": row.subject,
        "detail": row.detail,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
        "resolved_at": row.resolved_at.isoformat() if row.resolved_at else None,
    }
