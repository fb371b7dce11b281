"""What the client's status bar shows: terminal, records waiting to be sent."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.db.tables import OutboxRecord
from app.db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class CounterStatus:
    terminal_code: str
    terminal_name: str
    pending_count: int
    oldest_pending_at: datetime | None


def counter_status(uow: UnitOfWork) -> CounterStatus:
    with uow:
        terminal = uow.terminal()
        count, oldest = uow.session.execute(
            select(func.count(), func.min(OutboxRecord.created_at)).where(
                OutboxRecord.state == "pending"
            )
        ).one()
        return CounterStatus(terminal.code, terminal.name, int(count), oldest)
