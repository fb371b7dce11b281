"""Terminals as use cases name them: the code printed on receipts, reports and notes."""

import uuid

from sqlalchemy.orm import Session

from app.db.tables import Terminal


class TerminalRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def code_of(self, terminal_id: uuid.UUID) -> str:
        """The code of the terminal a record was made on (it may be another counter's)."""
        terminal = self.session.get(Terminal, terminal_id)
        assert terminal is not None  # records name only terminals the counter knows
        return terminal.code
