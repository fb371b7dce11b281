"""Where this counter stands with the central server: one row of cursor, epoch, clock and errors,
and the server's flags (records a supervisor must look at) as last pulled."""

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime


class SyncState(Base):
    """A single row (id 1): written by the sync client, read by the status bar and the CLI."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    server_url: Mapped[str | None] = mapped_column(String(400))
    terminal_code: Mapped[str | None] = mapped_column(String(8))
    ca_file: Mapped[str | None] = mapped_column(String(1000))
    epoch: Mapped[str | None] = mapped_column(String(64))
    cursor: Mapped[int] = mapped_column(default=0)
    audit_cursor: Mapped[int] = mapped_column(default=0, server_default="0")  # last audit seq sent
    registered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_push_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_pull_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_sync_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    offline_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    failures: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    server_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    clock_skew_seconds: Mapped[float | None]

    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)


class SyncFlag(Base):
    """A record the server flagged for a supervisor (e.g. a bill paid at two counters)."""

    __tablename__ = "sync_flags"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str | None] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    data_json: Mapped[str] = mapped_column(Text)
    flagged_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Set when a supervisor resolved it here (pending until pushed) or the server says so.
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolution: Mapped[str | None] = mapped_column(String(20))  # "Credit note", "Refund" ...
    resolution_json: Mapped[str | None] = mapped_column(Text)  # note, number, who
