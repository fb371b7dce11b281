"""Wrong PINs at this terminal as the sign-in guard keeps them: lockouts, recent failures."""

import uuid
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.db.tables import AuditEvent, SignInFailure, SignInLockout


class SignInRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lockout(self, terminal_id: uuid.UUID, username: str) -> SignInLockout | None:
        return self.session.get(SignInLockout, (terminal_id, username))

    def add_lockout(self, row: SignInLockout) -> None:
        self.session.add(row)

    def clear_lockout(self, row: SignInLockout) -> None:
        self.session.delete(row)

    def note_failure(
        self, terminal_id: uuid.UUID, username: str, at: datetime, since: datetime
    ) -> tuple[int, int]:
        """Keep this failure, forget those before `since`; (the user's, all) failures since."""
        self.session.execute(delete(SignInFailure).where(SignInFailure.failed_at < since))
        self.session.add(SignInFailure(terminal_id=terminal_id, username=username, failed_at=at))
        self.session.flush()
        recent = (
            select(func.count()).select_from(SignInFailure).where(SignInFailure.failed_at >= since)
        )
        for_user = self.session.scalar(recent.where(SignInFailure.username == username)) or 0
        return int(for_user), int(self.session.scalar(recent) or 0)

    def alerts(self, entity_id: str, action: str, limit: int) -> list[tuple[datetime, str | None]]:
        """(when, the event's after JSON) of the latest audited alerts of this kind."""
        rows = self.session.execute(
            select(AuditEvent.occurred_at, AuditEvent.after_json)
            .where(AuditEvent.entity_id == entity_id, AuditEvent.action == action)
            .order_by(AuditEvent.seq.desc())
            .limit(limit)
        )
        return [(at, after) for at, after in rows]
