"""Terminals as use cases name them: the code printed on receipts, reports and notes, and
which one this counter is."""

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.tables import LocalState, Terminal

_THIS_TERMINAL = "terminal_id"  # the local state key `tilldesk init` sets once


class TerminalRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def code_of(self, terminal_id: uuid.UUID) -> str:
        """The code of the terminal a record was made on (it may be another counter's)."""
        terminal = self.session.get(Terminal, terminal_id)
        assert terminal is not None  # records name only terminals the counter knows
        return terminal.code

    def this_one(self) -> uuid.UUID | None:
        """This counter's terminal (None: the database is not set up yet)."""
        state = self.session.get(LocalState, _THIS_TERMINAL)
        return None if state is None else uuid.UUID(state.value)

    def code_taken(self, code: str) -> bool:
        return self.session.scalar(select(Terminal.id).where(Terminal.code == code)) is not None

    def add_this_one(self, terminal: Terminal) -> None:
        """Record the terminal and make it this counter's."""
        self.session.add(terminal)
        self.session.add(LocalState(key=_THIS_TERMINAL, value=str(terminal.id)))
        self.session.flush()
