"""What the client's status bar shows: terminal, records waiting to be sent."""

from dataclasses import dataclass
from datetime import datetime

from app.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class CounterStatus:
    terminal_code: str
    terminal_name: str
    pending_count: int
    oldest_pending_at: datetime | None


def counter_status(uow: UnitOfWork) -> CounterStatus:
    with uow:
        terminal = uow.terminal()
        count, oldest = uow.sync_state.pending_outbox()
        return CounterStatus(terminal.code, terminal.name, int(count), oldest)
