"""The sync outbox: every record the server must learn about, queued in the same transaction."""

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.tables import OutboxRecord
from app.domain.ids import new_id


def enqueue(
    session: Session, *, at: datetime, entity: str, entity_id: uuid.UUID, payload: dict[str, Any]
) -> None:
    session.add(
        OutboxRecord(
            id=new_id(),
            entity=entity,
            entity_id=entity_id,
            payload_json=json.dumps(payload, sort_keys=True, default=str),
            created_at=at,
            state="pending",
            attempts=0,
        )
    )


def pending_count(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(OutboxRecord).where(OutboxRecord.state == "pending")
        )
        or 0
    )
