"""The recovery feed under test: the central server built as `tilldesk server run` builds it
(build_app, with a recovery database on the same PostgreSQL cluster), real counters on SQLite
files, and recovery cases opened the way intake opens them."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.db.database import Database, open_database
from app.services.recovery_database import DB_VARIABLE, shared_recovery_database
from cli.wiring.server_recovery_feed import INTERVAL_VARIABLE
from tests.pg import pg_cluster, pg_url, server_db_url, server_template  # noqa: F401
from tests.support.recovery_feed import FeedServer
from tests.sync_client.support import MemoryKeyring, new_counter, seed_server_from


@pytest.fixture(autouse=True)
def memory_keyring(sync_keyring: MemoryKeyring) -> MemoryKeyring:
    """The sync tests' in-memory keyring (tests/support/sync_fixtures.py)."""
    return sync_keyring


@pytest.fixture
def recovery_url(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> str:  # noqa: F811
    """The recovery database on the central PostgreSQL; counters do not see it. The server's
    periodic feed round is off unless a test turns it on: rounds run when a test says."""
    monkeypatch.delenv(DB_VARIABLE, raising=False)
    monkeypatch.setenv(INTERVAL_VARIABLE, "0")
    monkeypatch.setenv("TILLDESK_PLAN_SCAN_SECONDS", "0")  # the plans' round: not these tests'
    return pg_url


@pytest.fixture
def recovery(recovery_url: str) -> Engine:
    return shared_recovery_database(recovery_url)


@pytest.fixture
def feed_server(
    server_db_url: str,  # noqa: F811
    recovery_url: str,
    sample_counter: Path,
    tmp_path: Path,
) -> Iterator[FeedServer]:
    copy = tmp_path / "seed.sqlite"
    shutil.copyfile(sample_counter, copy)
    seed = open_database(copy)
    try:
        seed_server_from(seed, server_db_url)
    finally:
        seed.close()
    live = FeedServer(server_db_url)
    live.recovery_db = recovery_url
    live.add_admin()
    live.start()
    yield live
    live.stop()


@pytest.fixture
def counter(feed_server: FeedServer, tmp_path: Path) -> Iterator[Database]:
    """T01 at a branch: registered, synced, no recovery database beside its file."""
    folder = tmp_path / "branch"
    folder.mkdir()
    db = new_counter(folder / "counter.sqlite", "T01", feed_server)
    yield db
    db.close()
