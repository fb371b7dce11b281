"""The server's own audit trail: who added an admin, registered a terminal, started an epoch."""

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert

from app.domain.ids import new_id
from sync.server.tables import server_events


def record_event(
    connection: Connection, *, actor: str, action: str, at: datetime, **detail: Any
) -> None:
    """Written in the same transaction as the change it describes."""
    connection.execute(
        insert(server_events).values(
            id=new_id(), occurred_at=at, actor=actor, action=action, detail=detail
        )
    )
