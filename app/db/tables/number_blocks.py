"""Blocks of numbers the central server leased to this counter, for formats without {TERM}."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime


class NumberBlock(Base):
    """`next_value` is the next number to issue; the block is used up past `last_value`.

    The id is the request id the server leased it under (asking again returns the same)."""

    __tablename__ = "number_blocks"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(8))
    first_value: Mapped[int]
    last_value: Mapped[int]
    next_value: Mapped[int]
    leased_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        CheckConstraint("next_value >= first_value AND next_value <= last_value + 1", "range"),
        Index("ix_number_blocks_series_period", "series", "period", "first_value"),
    )
