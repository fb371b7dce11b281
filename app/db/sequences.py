"""Gap-free number sequences per terminal, series and period, bumped inside the write."""

import uuid

from sqlalchemy import text
from sqlalchemy.orm import Session

_BUMP = text(
    "INSERT INTO number_sequences (terminal_id, series, period, last_value) "
    "VALUES (:terminal_id, :series, :period, 1) "
    "ON CONFLICT (terminal_id, series, period) DO UPDATE SET last_value = last_value + 1 "
    "RETURNING last_value"
)


def next_value(session: Session, *, terminal_id: uuid.UUID, series: str, period: str) -> int:
    """The next number in the series. Rolled back with the transaction, so no gaps."""
    return session.execute(
        _BUMP, {"terminal_id": terminal_id.hex, "series": series, "period": period}
    ).scalar_one()


# The oldest block with numbers left gives the next one (SQLite writes are serialised, and
# this runs inside the payment's own transaction, so a rollback gives the number back).
_TAKE = text(
    "UPDATE number_blocks SET next_value = next_value + 1 WHERE id = ("
    " SELECT id FROM number_blocks WHERE series = :series AND period = :period"
    " AND next_value <= last_value ORDER BY first_value LIMIT 1"
    ") RETURNING next_value - 1"
)


def next_leased_value(session: Session, *, series: str, period: str) -> int | None:
    """The next number from the blocks the server leased; None when every block is used up."""
    return session.execute(_TAKE, {"series": series, "period": period}).scalar_one_or_none()
