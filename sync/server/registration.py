"""Registering a counter: an admin names its code, the server hands out a token once."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select, update
from sqlalchemy.dialects.postgresql import insert

from sync.server.auth import new_token, token_hash
from sync.server.events import record_event
from sync.server.tables import terminals


class CodeTaken(Exception):
    """The terminal code belongs to another terminal id."""


@dataclass(frozen=True)
class Registered:
    terminal_id: uuid.UUID
    code: str
    token: str


def register_terminal(
    engine: Engine, *, terminal_id: uuid.UUID, code: str, name: str, admin: str, now: datetime
) -> Registered:
    """A new terminal, or a new token for the same one (the old token stops working)."""
    token = new_token()
    with engine.begin() as conn:
        owner = conn.scalar(select(terminals.c.id).where(terminals.c.code == code))
        if owner is not None and owner != terminal_id:
            raise CodeTaken(f"Terminal code {code} is already registered to another terminal.")
        by_id = conn.scalar(select(terminals.c.code).where(terminals.c.id == terminal_id))
        if by_id is not None and by_id != code:
            raise CodeTaken(f"This terminal is already registered as {by_id}.")
        values = {
            "token_hash": token_hash(token),
            "name": name,
            "registered_by": admin,
            "registered_at": now,
        }
        if by_id is None:
            conn.execute(insert(terminals).values(id=terminal_id, code=code, **values))
        else:
            conn.execute(update(terminals).where(terminals.c.id == terminal_id).values(**values))
        action = "terminal.registered" if by_id is None else "terminal.token_renewed"
        record_event(
            conn,
            actor=admin,
            action=action,
            at=now,
            code=code,
            terminal_id=str(terminal_id),
            name=name,
        )
    return Registered(terminal_id, code, token)
