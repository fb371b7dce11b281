"""Flags: records the server accepted but a supervisor must look at.

"overpayment": a bill paid beyond its amount (two counters took it while offline).
"duplicate_different": a record re-sent under the same id with other content.
One open flag per kind and subject; a later occurrence refreshes its detail. Every flag is
published on the change feed (entity "flag") so the counters' sync screens can list it.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.dialects.postgresql import insert

from app.domain.ids import new_id
from sync.server.feed import NewChange
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
