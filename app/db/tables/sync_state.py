"""Where this counter stands with the central server: one row of cursor, epoch, clock and errors,
the server's flags (records a supervisor must look at) as last pulled, and the pulled changes
this counter could not apply (quarantined, kept with the error until a retry applies them)."""

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
    last_error_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # "offline", "refused", "not_registered", "crashed" or "quarantined": what last went wrong.
    last_error_kind: Mapped[str | None] = mapped_column(String(16))
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


class SyncQuarantine(Base):
    """A pulled change this counter could not apply: kept whole, so a retry (after an upgrade,
    or when a supervisor asks) can apply it without pulling the feed again."""

    __tablename__ = "sync_quarantine"

    entity: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int]
    op: Mapped[str] = mapped_column(String(8))
    data_json: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str] = mapped_column(Text)
    app_version: Mapped[str] = mapped_column(String(40))  # the version that could not apply it
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    retries: Mapped[int] = mapped_column(default=0)
    retry_requested: Mapped[bool] = mapped_column(default=False)  # "Retry quarantined" pressed
