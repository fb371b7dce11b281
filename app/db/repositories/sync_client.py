"""The sync client's bookkeeping behind the unit of work: the link with the server (the
sync_state row), the outbox as the push reads it, the quarantine of pulled changes the counter
could not apply, and the audit log as it is pushed. sync.client asks `uow.sync_link`,
`uow.sync_outbox`, `uow.sync_quarantine` and `uow.sync_audit_log` instead of writing queries."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.db.tables import AuditEvent, LocalState, OutboxRecord, SyncState
from app.db.tables.sync_state import SyncQuarantine

SYNC_STATE_ID = 1  # one row: this counter's link with the central server


class SyncLinkRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self) -> SyncState | None:
        """The row, or None on a counter that never synced or registered."""
        return self.session.get(SyncState, SYNC_STATE_ID)

    def row(self) -> SyncState:
        """The single row, created on first use."""
        row = self.find()
        if row is None:
            row = SyncState(id=SYNC_STATE_ID, cursor=0, failures=0)
            self.session.add(row)
            self.session.flush()
        return row

    def local_value(self, key: str) -> str | None:
        """A fact the sync keeps about this installation (local_state), e.g. a first load in
        progress."""
        held = self.session.get(LocalState, key)
        return None if held is None else held.value

    def set_local_value(self, key: str, value: str | None) -> None:
        held = self.session.get(LocalState, key)
        if value is None:
            if held is not None:
                self.session.delete(held)
        elif held is None:
            self.session.add(LocalState(key=key, value=value))
        else:
            held.value = value
        self.session.flush()


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def pending(self, limit: int) -> Sequence[OutboxRecord]:
        """The oldest pending records, in the order they were written."""
        return self.session.scalars(
            select(OutboxRecord)
            .where(OutboxRecord.state == "pending")
            .order_by(OutboxRecord.seq)
            .limit(limit)
        ).all()

    def get(self, record_id: uuid.UUID) -> OutboxRecord | None:
        return self.session.scalar(select(OutboxRecord).where(OutboxRecord.id == record_id))

    def count_attempt(self, record_ids: Sequence[uuid.UUID], error: str) -> None:
        """One more try for each still-pending record, and why it did not get through."""
        self.session.execute(
            update(OutboxRecord)
            .where(OutboxRecord.id.in_(record_ids), OutboxRecord.state == "pending")
            .values(attempts=OutboxRecord.attempts + 1, last_error=error)
        )

    def mark_sent(self, record_ids: Sequence[uuid.UUID], at: datetime) -> None:
        """The server took these (stored, or already held the same): one statement per 500
        ids, so the write lock is held for milliseconds, not for row-by-row updates."""
        for start in range(0, len(record_ids), 500):
            self.session.execute(
                update(OutboxRecord)
                .where(OutboxRecord.id.in_(record_ids[start : start + 500]))
                .where(OutboxRecord.state == "pending")
                .values(
                    state="sent", sent_at=at, last_error=None, attempts=OutboxRecord.attempts + 1
                )
                .execution_options(synchronize_session=False)
            )

    def resend_sent(self) -> int:
        """Every record the server took, pending again (it may have lost them); how many."""
        result = self.session.execute(
            update(OutboxRecord)
            .where(OutboxRecord.state == "sent")
            .values(state="pending", sent_at=None)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)


class QuarantineRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, entity: str, key: str) -> SyncQuarantine | None:
        return self.session.get(SyncQuarantine, (entity, key))

    def add(self, row: SyncQuarantine) -> None:
        self.session.add(row)

    def remove(self, row: SyncQuarantine) -> None:
        self.session.delete(row)

    def flush(self) -> None:
        self.session.flush()

    def all(self) -> Sequence[SyncQuarantine]:
        """Every quarantined change, oldest feed position first."""
        return self.session.scalars(select(SyncQuarantine).order_by(SyncQuarantine.seq)).all()

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(SyncQuarantine)) or 0)

    def newest(self) -> SyncQuarantine | None:
        """The change seen failing most recently, detached (safe to read after the unit)."""
        newest = self.session.scalar(
            select(SyncQuarantine).order_by(SyncQuarantine.last_seen_at.desc()).limit(1)
        )
        if newest is not None:
            self.session.expunge(newest)
        return newest


class AuditPushRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def after(self, seq: int, limit: int) -> Sequence[AuditEvent]:
        """Audit events after `seq`, in order: what the server has not been sent yet."""
        return self.session.scalars(
            select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq).limit(limit)
        ).all()
