"""Smart Collect as the central server published it on the sync feed: each consumer's view,
their cases' analytics facts and each case's escalation steps - the counter's copy, read by the
Smart Collect, Case and Recovery analytics screens when no recovery database is reachable."""

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime


class SyncedSmartCollectView(Base):
    """One consumer's whole Smart Collect view, as the server's API gives it (JSON): it is
    read back into the view's dataclasses, checked when the feed brought it."""

    __tablename__ = "smart_collect_feed_views"

    consumer_id: Mapped[str] = mapped_column(String(64), primary_key=True)  # account number
    view_json: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SyncedCaseFacts(Base):
    """What Recovery analytics groups a case by that the case's own synced row does not say;
    replaced with its consumer's view."""

    __tablename__ = "smart_collect_feed_case_facts"

    case_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    consumer_id: Mapped[str] = mapped_column(String(64), index=True)
    segment: Mapped[str] = mapped_column(String(16), default="")
    channel: Mapped[str] = mapped_column(String(16), default="")  # most used reminder channel
    retries: Mapped[int] = mapped_column(Integer, default=0)  # charges answered by the gateway
    recovered: Mapped[bool] = mapped_column(default=False)
    recovered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    charges_json: Mapped[str] = mapped_column(Text, default="[]")  # [[day, hour, approved]]


class SyncedEscalationStep(Base):
    """One escalation step of a case (the server's id); a case's steps are replaced together."""

    __tablename__ = "smart_collect_feed_steps"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    case_id: Mapped[str] = mapped_column(String(64), index=True)
    rule: Mapped[str] = mapped_column(String(48))
    action: Mapped[str] = mapped_column(String(96))
    owner: Mapped[str] = mapped_column(String(64))
    why: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(8))  # open | done | missed
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)
