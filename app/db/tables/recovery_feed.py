"""Recovery cases as the central server published them on the sync feed: the counter's copy,
read by the Recovery screens when no recovery database is reachable (a branch, offline)."""

from datetime import datetime

from sqlalchemy import BigInteger, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime


class SyncedRecoveryCase(Base):
    """One case with what the queue needs to sort it; amounts in the case's own currency."""

    __tablename__ = "recovery_feed_cases"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    consumer_id: Mapped[str] = mapped_column(String(64), index=True)  # the account number
    status: Mapped[str] = mapped_column(String(16))
    status_reason: Mapped[str] = mapped_column(Text, default="")
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    recovered_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    written_off_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(16), default="")
    gateway: Mapped[str] = mapped_column(String(16), default="")
    code: Mapped[str] = mapped_column(String(32), default="")
    category: Mapped[str] = mapped_column(String(24), default="")
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    next_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    next_action: Mapped[str] = mapped_column(Text, default="")
    # The server's assessment when it published the case; the counter ages the priority.
    value_band: Mapped[str] = mapped_column(String(8), default="")
    segment: Mapped[str] = mapped_column(String(16), default="")
    vip: Mapped[bool] = mapped_column(default=False)
    probability: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(16), default="")
    segments_text: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_recovery_feed_cases_status", "status"),)


class SyncedTimelineEntry(Base):
    """One line of a case's timeline; replaced as a whole when the case comes again."""

    __tablename__ = "recovery_feed_timeline"

    case_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
