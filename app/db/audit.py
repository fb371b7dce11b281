"""The hash-chained audit log: append inside the caller's transaction, verify the chain."""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.tables import AuditEvent
from app.domain.ids import new_id

GENESIS = "0" * 64
# Read at every audited change: built once, its cache key reused.
_LAST_HASH = select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)


def _canonical(event: AuditEvent) -> bytes:
    body = {
        "id": str(event.id),
        "occurred_at": event.occurred_at.isoformat(),
        "user_id": str(event.user_id) if event.user_id else None,
        "terminal_id": str(event.terminal_id) if event.terminal_id else None,
        "action": event.action,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "before": event.before_json,
        "after": event.after_json,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def _digest(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _dump(values: dict[str, Any] | None) -> str | None:
    if values is None:
        return None
    return json.dumps(values, sort_keys=True, default=str)


def append(
    session: Session,
    *,
    at: datetime,
    user_id: uuid.UUID | None,
    terminal_id: uuid.UUID | None,
    action: str,
    entity: str,
    entity_id: object,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Record one change. The caller holds the write lock, so the chain cannot fork."""
    last = session.scalar(_LAST_HASH)
    event = AuditEvent(
        id=new_id(),
        occurred_at=at,
        user_id=user_id,
        terminal_id=terminal_id,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before_json=_dump(before),
        after_json=_dump(after),
        prev_hash=last or GENESIS,
    )
    event.hash = _digest(event)
    session.add(event)
    session.flush()


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None  # seq of the first event whose hash or link does not hold
    problem: str | None

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(session: Session) -> ChainReport:
    previous = GENESIS
    checked = 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(2000):
        if event.prev_hash != previous:
            return ChainReport(checked, event.seq, "link to the previous event is broken")
        if _digest(event) != event.hash:
            return ChainReport(checked, event.seq, "contents do not match the recorded hash")
        previous = event.hash
        checked += 1
    return ChainReport(checked, None, None)
