"""What sync could not do: parked and flagged outbox records, changes held in quarantine, and
the server's flags (a bill paid at two offline counters...)."""

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.db.tables import OutboxRecord, SyncFlag
from app.db.tables.sync_state import SyncQuarantine


class SyncIssueRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- the outbox ----------------------------------------------------------------------
    def outbox_counts(self) -> dict[str, int]:
        """How many outbox records are in each state (pending, sent, parked, flagged ...)."""
        rows = self.session.execute(
            select(OutboxRecord.state, func.count()).group_by(OutboxRecord.state)
        )
        return {state: int(n) for state, n in rows}

    def held_records(self) -> Sequence[OutboxRecord]:
        """Parked and flagged outbox records, newest first."""
        return self.session.scalars(
            select(OutboxRecord)
            .where(OutboxRecord.state.in_(("parked", "flagged")))
            .order_by(OutboxRecord.seq.desc())
        ).all()

    def parked_ids(self) -> list[uuid.UUID]:
        return list(
            self.session.scalars(select(OutboxRecord.id).where(OutboxRecord.state == "parked"))
        )

    def send_again(self, record_ids: Sequence[uuid.UUID]) -> None:
        """Put these records back in the queue: the next sync sends them."""
        self.session.execute(
            update(OutboxRecord)
            .where(OutboxRecord.id.in_(record_ids))
            .values(state="pending", reason=None)
        )

    # -- changes from the server this counter could not apply ----------------------------
    def quarantined_count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(SyncQuarantine)) or 0)

    def quarantined(self) -> Sequence[SyncQuarantine]:
        """Newest first (by when the server last sent them)."""
        return self.session.scalars(
            select(SyncQuarantine).order_by(SyncQuarantine.last_seen_at.desc())
        ).all()

    def save(self) -> None:
        """Write changed rows (a retry requested, a flag resolved) now."""
        self.session.flush()

    # -- the server's flags ----------------------------------------------------------------
    def open_flag_count(self) -> int:
        return int(
            self.session.scalar(
                select(func.count()).select_from(SyncFlag).where(SyncFlag.resolved_at.is_(None))
            )
            or 0
        )

    def open_flags(self) -> Sequence[SyncFlag]:
        """Flags not resolved yet, newest first."""
        return self.session.scalars(
            select(SyncFlag)
            .where(SyncFlag.resolved_at.is_(None))
            .order_by(SyncFlag.flagged_at.desc())
        ).all()

    def flag(self, key: str) -> SyncFlag | None:
        return self.session.get(SyncFlag, key)
