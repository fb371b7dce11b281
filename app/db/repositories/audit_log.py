"""The audit log as use cases read it: the latest decision on a record, the chain's health."""

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import audit
from app.db.audit import ChainReport
from app.db.tables import AuditEvent, User


@dataclass(frozen=True)
class AuditedChange:
    """One audit event with the name of who made it (None: the system)."""

    action: str
    occurred_at: datetime
    by: str | None
    after: dict[str, Any]


class AuditLogRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def latest(
        self, entity: str, entity_id: object, actions: Collection[str]
    ) -> AuditedChange | None:
        """The newest event of these actions on the record."""
        found = self.session.execute(
            select(AuditEvent.action, AuditEvent.occurred_at, AuditEvent.after_json, User.full_name)
            .outerjoin(User, User.id == AuditEvent.user_id)
            .where(
                AuditEvent.entity == entity,
                AuditEvent.entity_id == str(entity_id),
                AuditEvent.action.in_(actions),
            )
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        ).first()
        if found is None:
            return None
        action, at, after_json, by = found
        return AuditedChange(action, at, by, json.loads(after_json or "{}"))

    def verify(self) -> ChainReport:
        """Walk the hash chain; the report names the first broken event."""
        return audit.verify(self.session)
