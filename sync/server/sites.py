"""Sites: which service center a terminal stands in, and where each user may sign in.

A counter receives a user's PIN hash only if the user is assigned to the counter's site; it
still receives the user (names appear on receipts and in reports) but cannot sign them in.
Every assignment change republishes the users concerned, so counters pick up (or lose) hashes
on their next pull.
"""

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, Engine, delete, select, update
from sqlalchemy.dialects.postgresql import insert

from sync.server.events import record_event
from sync.server.feed import NewChange, publish
from sync.server.tables import terminals, user_sites, users

DEFAULT_SITE = "main"


class SiteError(Exception):
    """An unknown user or terminal, or a site name that cannot be one."""


def site_name(text: str) -> str:
    name = text.strip()
    if not name or len(name) > 40 or not name.replace("-", "").replace("_", "").isalnum():
        raise SiteError(f"'{text}' is not a site name: 1-40 letters, digits, - or _.")
    return name


def assign_user(
    engine: Engine, username: str, site: str, *, now: datetime, actor: str, assigned: bool = True
) -> bool:
    """Assign (or with assigned=False, unassign) a user to a site. False: nothing changed."""
    site = site_name(site)
    with engine.begin() as conn:
        user_id = conn.scalar(select(users.c.id).where(users.c.username == username))
        if user_id is None:
            raise SiteError(f"The server has no user named '{username}'.")
        if assigned:
            inserted = conn.execute(
                insert(user_sites)
                .values(user_id=user_id, site=site, assigned_at=now, assigned_by=actor)
                .on_conflict_do_nothing()
                .returning(user_sites.c.site)
            ).first()
            changed = inserted is not None
        else:
            changed = (
                conn.execute(
                    delete(user_sites).where(
                        user_sites.c.user_id == user_id, user_sites.c.site == site
                    )
                ).rowcount
                > 0
            )
        if not changed:
            return False
        action = "user.site_assigned" if assigned else "user.site_unassigned"
        record_event(conn, actor=actor, action=action, at=now, username=username, site=site)
        _republish(conn, [user_id], now)
    return True


def assign_users(
    conn: Connection, user_ids: Iterable[object], site: str, *, now: datetime, actor: str
) -> None:
    """Within a caller's transaction (a demo load): assign these users, no republishing."""
    rows = [
        {
            "user_id": uuid.UUID(str(uid)),
            "site": site_name(site),
            "assigned_at": now,
            "assigned_by": actor,
        }
        for uid in user_ids
    ]
    if rows:
        conn.execute(insert(user_sites).values(rows).on_conflict_do_nothing())


def set_terminal_site(engine: Engine, code: str, site: str, *, now: datetime, actor: str) -> None:
    """Move a terminal to a site; every user is republished so its hashes follow the move."""
    site = site_name(site)
    with engine.begin() as conn:
        moved = conn.execute(
            update(terminals).where(terminals.c.code == code).values(site=site)
        ).rowcount
        if not moved:
            raise SiteError(f"The server has no terminal {code}.")
        record_event(conn, actor=actor, action="terminal.site_set", at=now, code=code, site=site)
        _republish(conn, conn.scalars(select(users.c.id)).all(), now)


def sites_of(conn: Connection, username: str) -> list[str]:
    return list(
        conn.scalars(
            select(user_sites.c.site)
            .join(users, users.c.id == user_sites.c.user_id)
            .where(users.c.username == username)
            .order_by(user_sites.c.site)
        )
    )


def _republish(conn: Connection, user_ids: Iterable[object], now: datetime) -> None:
    rows = conn.execute(select(users.c.id, users.c.data).where(users.c.id.in_(list(user_ids))))
    publish(conn, [NewChange("user", str(row.id), row.data) for row in rows], now)
