"""Number sequences and the blocks of numbers the server leased: what is next, what is left."""

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.tables import NumberBlock, NumberSequence


class NumberingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def last_value(self, terminal_id: uuid.UUID, series: str, period: str) -> int:
        """The last sequence value this terminal took in the series and period (0: none yet)."""
        last = self.session.scalar(
            select(NumberSequence.last_value).where(
                NumberSequence.terminal_id == terminal_id,
                NumberSequence.series == series,
                NumberSequence.period == period,
            )
        )
        return int(last or 0)

    def next_leased(self, series: str, period: str) -> int | None:
        """The value the leased blocks give next (None: none left)."""
        return self.session.scalar(
            select(NumberBlock.next_value)
            .where(
                NumberBlock.series == series,
                NumberBlock.period == period,
                NumberBlock.next_value <= NumberBlock.last_value,
            )
            .order_by(NumberBlock.first_value)
            .limit(1)
        )

    def leased_remaining(self, series: str, period: str) -> int:
        """How many leased numbers are left in the series and period."""
        remaining = self.session.scalar(
            select(func.coalesce(func.sum(NumberBlock.last_value - NumberBlock.next_value + 1), 0))
            .where(NumberBlock.series == series, NumberBlock.period == period)
            .where(NumberBlock.next_value <= NumberBlock.last_value)
        )
        return int(remaining or 0)

    def last_block_size(self, series: str, period: str) -> int | None:
        """How many numbers the latest block leased (None: no block yet)."""
        size = self.session.scalar(
            select(NumberBlock.last_value - NumberBlock.first_value + 1)
            .where(NumberBlock.series == series, NumberBlock.period == period)
            .order_by(NumberBlock.leased_at.desc(), NumberBlock.first_value.desc())
            .limit(1)
        )
        return None if size is None else int(size)

    def block(self, block_id: uuid.UUID) -> NumberBlock | None:
        return self.session.get(NumberBlock, block_id)

    def add_block(self, block: NumberBlock) -> None:
        self.session.add(block)
