"""A counter receives a user's PIN hash only if the user is assigned to the counter's site."""

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from sync.server import reference
from sync.server.sites import SiteError, assign_user, set_terminal_site
from sync.server.tables import server_events

ROOT = Path(__file__).resolve().parents[2]
HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"


def _user(name: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "username": name,
        "full_name": name.title(),
        "role": "cashier",
        "secret_hash": f"{HASH}-{name}",
        "active": True,
        "created_at": "2024-01-01T00:00:00+00:00",
    }


def _users_seen(counter, cursor: int = 0) -> dict[str, str | None]:
    return {
        c["data"]["username"]: c["data"].get("secret_hash")
        for c in counter.pull_all(cursor)
        if c["entity"] == "user" and c["data"]
    }


@pytest.fixture
def staff(server) -> dict[str, dict]:
    people = {name: _user(name) for name in ("jsmith", "mbrown")}
    reference.put(server.engine, {"user": list(people.values())}, datetime.now(UTC))
    return people


def _assign(server, name: str, site: str, assigned: bool = True) -> bool:
    return assign_user(
        server.engine, name, site, now=datetime.now(UTC), actor="test", assigned=assigned
    )


def test_a_user_assigned_nowhere_reaches_counters_without_a_pin_hash(server, staff) -> None:
    assert _assign(server, "jsmith", "main")
    counter = server.register("T01")  # site "main" unless said otherwise
    assert _users_seen(counter) == {"jsmith": staff["jsmith"]["secret_hash"], "mbrown": None}


def test_a_counter_of_another_site_gets_no_hash_of_main_site_staff(server, staff) -> None:
    _assign(server, "jsmith", "main")
    _assign(server, "mbrown", "north")
    north = server.register("T02")
    set_terminal_site(server.engine, "T02", "north", now=datetime.now(UTC), actor="test")
    assert _users_seen(north) == {"jsmith": None, "mbrown": staff["mbrown"]["secret_hash"]}


def test_assigning_a_user_later_sends_the_hash_on_the_next_pull(server, staff) -> None:
    counter = server.register("T01")
    cursor = counter.pull()["next_cursor"]
    assert _assign(server, "mbrown", "main")
    assert _users_seen(counter, cursor) == {"mbrown": staff["mbrown"]["secret_hash"]}
    assert not _assign(server, "mbrown", "main")  # already there: nothing republished
    cursor = counter.pull(cursor)["next_cursor"]
    assert _assign(server, "mbrown", "main", assigned=False)
    assert _users_seen(counter, cursor) == {"mbrown": None}


def test_assignments_are_recorded_and_unknown_names_refused(server, staff) -> None:
    _assign(server, "jsmith", "main")
    with server.engine.connect() as conn:
        actions = conn.execute(select(server_events.c.action, server_events.c.detail)).all()
    assert ("user.site_assigned", {"username": "jsmith", "site": "main"}) in [
        tuple(a) for a in actions
    ]
    with pytest.raises(SiteError, match="no user named 'ghost'"):
        _assign(server, "ghost", "main")
    with pytest.raises(SiteError, match="not a site name"):
        _assign(server, "jsmith", "main street; drop")


def test_the_admin_assigns_a_user_from_the_command_line(server, staff, server_db_url) -> None:
    def tilldesk(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "cli.main", "server", *args, "--db", server_db_url],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=dict(os.environ),
            timeout=120,
        )

    done = tilldesk("assign-user", "mbrown", "--site", "main")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "mbrown may sign in at site main."
    counter = server.register("T01")
    assert _users_seen(counter)["mbrown"] == staff["mbrown"]["secret_hash"]
    refused = tilldesk("assign-user", "ghost", "--site", "main")
    assert (refused.returncode, refused.stderr.strip()) == (
        3,
        "tilldesk: The server has no user named 'ghost'.",
    )
    moved = tilldesk("terminal-site", "T01", "--site", "north")
    assert moved.returncode == 0, moved.stderr
    assert _users_seen(counter)["mbrown"] is None


def test_a_terminal_registered_for_a_site_gets_that_sites_hashes_only(server, staff) -> None:
    import requests

    from tests.server.live import ADMIN, Counter

    _assign(server, "jsmith", "main")
    _assign(server, "mbrown", "north")
    terminal_id = uuid.uuid4()
    answer = requests.post(
        f"{server.url}/v1/terminals/register",
        json={"code": "T09", "terminal_id": str(terminal_id), "site": "north"},
        auth=ADMIN,
        timeout=30,
    )
    answer.raise_for_status()
    north = Counter(server, terminal_id, "T09", answer.json()["token"])
    north.confirm().raise_for_status()
    assert _users_seen(north) == {"jsmith": None, "mbrown": staff["mbrown"]["secret_hash"]}


def test_users_already_on_a_server_stay_able_to_sign_in_after_the_upgrade(pg_url) -> None:
    """Before sites every counter got every hash, and every terminal is in "main"."""
    from alembic import command
    from sqlalchemy import insert, text

    from sync.server.db import alembic_config, make_engine
    from sync.server.tables import users

    engine = make_engine(pg_url, pool_size=1)
    try:
        config = alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "s0002")
        old = _user("jsmith")
        with engine.begin() as conn:
            conn.execute(insert(users).values(id=old["id"], username="jsmith", data=old))
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT site FROM user_sites")).scalars().all()
    finally:
        engine.dispose()
    assert rows == ["main"]
