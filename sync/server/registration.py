"""Registering a counter, in two steps: an admin names its code and the server hands out a
token once (the terminal is pending); the counter stores the token, reads it back and confirms
with it (the terminal is active). Only an active terminal may push or pull, so a counter whose
keyring failed leaves nothing usable behind."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, delete, select, update
from sqlalchemy.dialects.postgresql import insert

from sync.server.auth import new_token, token_hash
from sync.server.events import record_event
from sync.server.tables import terminals

# Long enough for a person to fix a keyring and retry; short enough that a token handed out to
# a counter that never kept it does not stay confirmable for long.
PENDING_FOR = timedelta(hours=1)
PENDING, ACTIVE = "pending", "active"


class CodeTaken(Exception):
    """The terminal code belongs to another terminal id."""


class NotConfirmable(Exception):
    """The token is unknown, or its registration expired: the counter must register again."""


@dataclass(frozen=True)
class Registered:
    terminal_id: uuid.UUID
    code: str
    token: str


@dataclass(frozen=True)
class Activated:
    terminal_id: uuid.UUID
    code: str
    activated_at: datetime


def register_terminal(
    engine: Engine,
    *,
    terminal_id: uuid.UUID,
    code: str,
    name: str,
    admin: str,
    now: datetime,
    site: str | None = None,
) -> Registered:
    """A new pending terminal, or a new pending token for the same one (the old token stops
    working at once). A never-confirmed registration of the code by another id is replaced."""
    token = new_token()
    with engine.begin() as conn:
        _forget_unconfirmed(conn, code, terminal_id, now)
        owner = conn.scalar(select(terminals.c.id).where(terminals.c.code == code))
        if owner is not None and owner != terminal_id:
            raise CodeTaken(f"Terminal code {code} is already registered to another terminal.")
        by_id = conn.execute(
            select(terminals.c.code, terminals.c.activated_at).where(terminals.c.id == terminal_id)
        ).first()
        if by_id is not None and by_id.code != code and by_id.activated_at is not None:
            raise CodeTaken(f"This terminal is already registered as {by_id.code}.")
        values = {
            "code": code,
            "token_hash": token_hash(token),
            "name": name,
            "registered_by": admin,
            "registered_at": now,
            "status": PENDING,
        }
        if site is not None:  # else a new terminal stands in "main", a known one stays put
            values["site"] = site
        if by_id is None:
            conn.execute(insert(terminals).values(id=terminal_id, **values))
        else:
            conn.execute(update(terminals).where(terminals.c.id == terminal_id).values(**values))
        renewed = by_id is not None and by_id.activated_at is not None
        record_event(
            conn,
            actor=admin,
            action="terminal.token_renewed" if renewed else "terminal.registered",
            at=now,
            code=code,
            terminal_id=str(terminal_id),
            name=name,
        )
    return Registered(terminal_id, code, token)


def confirm_terminal(engine: Engine, *, token: str, now: datetime) -> Activated:
    """The counter proved it keeps `token`: its terminal becomes active. Confirming an active
    terminal again changes nothing (an answer lost on the way is simply asked for again)."""
    with engine.begin() as conn:
        row = conn.execute(
            select(terminals).where(terminals.c.token_hash == token_hash(token)).with_for_update()
        ).first()
        if row is None:
            raise NotConfirmable(
                "This token is not known: a newer registration replaced it. "
                "Register the terminal again."
            )
        if row.status == ACTIVE:
            return Activated(row.id, row.code, row.activated_at)
        if now - row.registered_at > PENDING_FOR:
            raise NotConfirmable(
                f"This registration expired: it was not confirmed within "
                f"{int(PENDING_FOR.total_seconds() // 60)} minutes. Register the terminal again."
            )
        activated_at = row.activated_at or now
        conn.execute(
            update(terminals)
            .where(terminals.c.id == row.id)
            .values(status=ACTIVE, activated_at=activated_at)
        )
        record_event(
            conn,
            actor=f"terminal:{row.code}",
            action="terminal.activated",
            at=now,
            code=row.code,
            terminal_id=str(row.id),
        )
    return Activated(row.id, row.code, activated_at)


def _forget_unconfirmed(conn: Connection, code: str, terminal_id: uuid.UUID, now: datetime) -> None:
    """A terminal that never confirmed has sent nothing and holds no token: drop it when it
    has expired, or when another id now claims its code (its counter was set up again)."""
    never_active = (terminals.c.status == PENDING) & terminals.c.activated_at.is_(None)
    conn.execute(
        delete(terminals).where(
            never_active
            & (
                (terminals.c.registered_at < now - PENDING_FOR)
                | ((terminals.c.code == code) & (terminals.c.id != terminal_id))
            )
        )
    )
