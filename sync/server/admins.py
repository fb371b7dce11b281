"""Server admins: the people who may register terminals (HTTP Basic on /v1/terminals/register)."""

from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.dialects.postgresql import insert

from sync.server.auth import hash_password
from sync.server.events import record_event
from sync.server.tables import admins

MIN_PASSWORD = 8


class BadPassword(ValueError):
    pass


def add_admin(
    engine: Engine, username: str, password: str, now: datetime, *, actor: str = "console"
) -> None:
    """Add an admin, or set a new password for an existing one. `actor`: who did it (the
    operating-system user at the console, for `tilldesk server add-admin`)."""
    if len(password) < MIN_PASSWORD:
        raise BadPassword(f"An admin password needs at least {MIN_PASSWORD} characters.")
    hashed = hash_password(password)
    with engine.begin() as conn:
        conn.execute(
            insert(admins)
            .values(username=username, password_hash=hashed, created_at=now)
            .on_conflict_do_update(index_elements=["username"], set_={"password_hash": hashed})
        )
        record_event(conn, actor=actor, action="admin.password_set", at=now, username=username)
