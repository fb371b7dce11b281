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
