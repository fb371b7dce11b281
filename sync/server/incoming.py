"""What every entity handler of a push works with: the record, who sent it, and the helpers
they share (the subject check, inserts whose number clashes become reasons, JSONB merges)."""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, cast, literal, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError

from app.domain.errors import UserFacingError
from app.domain.record_rules import RecordInvalid
from app.domain.settings import Settings
from sync.protocol import PushRecord
from sync.server.auth import TerminalIdentity
from sync.server.feed import NewChange
from sync.server.records import Rejected
from sync.server.tables import settings

log = logging.getLogger(__name__)

# Which unique constraint a number clash hit, in words for the counter's parked list.
_NUMBER_CONSTRAINTS = {
    "payment_number": "payment number",
    "transaction_number": "transaction number",
    "receipt_number": "receipt number",
    "credit_notes_number": "credit note number",
}


@dataclass
class Projected:
    flags: list[str] = field(default_factory=list)
    changes: list[NewChange] = field(default_factory=list)


@dataclass(frozen=True)
class Incoming:
    connection: Connection
    terminal: TerminalIdentity
    record: PushRecord
    now: datetime
    known_settings: Settings | None = None  # read once per push: a push never changes them

    @property
    def payload(self) -> dict[str, Any]:
        return self.record.payload

    def settings(self) -> Settings:
        if self.known_settings is not None:
            return self.known_settings
        return server_settings(self.connection)


def server_settings(connection: Connection) -> Settings:
    """The deployment's settings as the server holds them (defaults for what was never set).

    A stored value the rules refuse falls back to all defaults, logged: the server must keep
    judging records by some settings rather than fail every push."""
    rows = connection.execute(select(settings.c.key, settings.c.value)).all()
    known = {row.key: row.value for row in rows if row.key in Settings.__dataclass_fields__}
    try:
        return Settings.from_mapping(known)
    except (UserFacingError, TypeError, KeyError) as error:
        log.warning("server settings unusable, judging pushes by the defaults: %s", error)
        return Settings()


def same_subject(incoming: Incoming, subject_id: uuid.UUID) -> None:
    if subject_id != incoming.record.entity_id:
        raise Rejected("bad payload: the payload's id differs from entity_id")


def insert_unique(connection: Connection, statement: Any, numbers: dict[str, str]) -> bool:
    """Run an insert; a clash on a number constraint becomes Rejected. True if a row was added.

    `numbers` maps a column to the number the record tried to take, for the reason's words.
    """
    try:
        return connection.execute(statement.returning(text("1"))).first() is not None
    except IntegrityError as error:
        constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None) or ""
        for column, words in _NUMBER_CONSTRAINTS.items():
            if constraint.endswith(column):
                reason = f"{words} {numbers[column]} is already used by another record"
                raise Rejected(reason) from None
        raise


def jsonb(value: dict[str, Any]) -> Any:
    return cast(literal(value, JSONB), JSONB)


def obey(check: Callable[..., None], *args: Any, **kwargs: Any) -> None:
    """Run a shared record rule; its reason becomes the push's rejection."""
    try:
        check(*args, **kwargs)
    except RecordInvalid as invalid:
        raise Rejected(invalid.reason) from None
