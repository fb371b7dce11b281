"""The counter's sync state as use cases need it: the server it talks to, its clock's skew."""

from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.db.tables import OutboxRecord, SyncState

SYNC_STATE_ID = 1  # one row: this counter's link with the central server


class SyncStateRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def clock_skew_seconds(self) -> float | None:
        """How far this counter's clock was from the server's at the last sync (None: unknown)."""
        state = self.session.get(SyncState, SYNC_STATE_ID)
        return None if state is None else state.clock_skew_seconds

    def pending_outbox(self) -> tuple[int, datetime | None]:
        """How many records wait to be sent, and since when the oldest has waited."""
        count, oldest = self.session.execute(
            select(func.count(), func.min(OutboxRecord.created_at)).where(
                OutboxRecord.state == "pending"
            )
        ).one()
        return int(count), oldest

    def state(self) -> SyncState | None:
        """The counter's link with the server (None: never registered nor synced)."""
        return self.session.get(SyncState, SYNC_STATE_ID)

    def registered(self) -> bool:
        """Registered with a central server (only then can it lease numbers)."""
        return self.server_url() is not None

    def server_url(self) -> str | None:
        return self.session.scalar(
            select(SyncState.server_url).where(SyncState.id == SYNC_STATE_ID)
        )

    def database_file(self) -> str | None:
        bind = self.session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        return engine.url.database or None
