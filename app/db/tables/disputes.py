"""Consumer disputes on a payment or a bill, and each consumer's special circumstances and
payment preferences. Both are made at any counter, pushed, and reach the others by the feed."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime


class Dispute(Base):
    """A complaint about a payment or a bill, followed until it is resolved or rejected.

    No foreign keys to the payment or bill: a dispute pulled from another counter may name a
    record this counter has not pulled yet, and it is kept all the same."""

    __tablename__ = "disputes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    consumer_id: Mapped[uuid.UUID]
    subject: Mapped[str] = mapped_column(String(8))  # payment | bill
    payment_id: Mapped[uuid.UUID | None]
    bill_id: Mapped[uuid.UUID | None]
    subject_number: Mapped[str] = mapped_column(String(48))  # PAY-... or INV-...
    reason: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))
    resolution: Mapped[str | None] = mapped_column(String(1000))
    owner: Mapped[str | None] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    opened_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(64))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int]

    __table_args__ = (
        CheckConstraint("subject IN ('payment', 'bill')", name="subject"),
        CheckConstraint(
            "status IN ('open', 'under_review', 'resolved', 'rejected')", name="status"
        ),
        Index("ix_disputes_consumer_opened", "consumer_id", "opened_at"),
        Index("ix_disputes_payment", "payment_id"),
        Index("ix_disputes_bill", "bill_id"),
    )


class ConsumerCircumstances(Base):
    """Special circumstances (medical, hardship ...) and how the consumer wants to be reached,
    with who set them and when. One row per consumer; the newest version wins."""

    __tablename__ = "consumer_circumstances"

    consumer_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    circumstances: Mapped[list[str]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(1000), default="")
    preferred_channel: Mapped[str] = mapped_column(String(16), default="")
    preferred_from: Mapped[str] = mapped_column(String(5), default="")  # HH:MM local
    preferred_until: Mapped[str] = mapped_column(String(5), default="")
    language: Mapped[str] = mapped_column(String(16), default="")
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int]
