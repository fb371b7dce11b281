"""Fixtures for the sync client: a real server on loopback over real PostgreSQL, seeded with
the spec's sample, and an in-memory keyring."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from app.db.database import Database, open_database
from tests.pg import pg_cluster, server_db_url, server_template  # noqa: F401
from tests.sync_client.support import LiveServer, MemoryKeyring, seed_server_from


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    from sync.client import tokens

    # Tests only: the in-memory keyring stands in for an OS keyring the token store accepts.
    secure = getattr(tokens, "SECURE_MODULES", ())
    monkeypatch.setattr(
        tokens, "SECURE_MODULES", (*secure, MemoryKeyring.__module__), raising=False
    )
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def server(server_db_url: str, sample_counter: Path, tmp_path: Path) -> Iterator[LiveServer]:  # noqa: F811
    """The central server holding the spec's sample (John Doe, his bills, the staff)."""
    copy = tmp_path / "seed.sqlite"
    shutil.copyfile(sample_counter, copy)
    seed = open_database(copy)
    try:
        seed_server_from(seed, server_db_url)
    finally:
        seed.close()
    live = LiveServer(server_db_url)
    live.add_admin()
    live.start()
    yield live
    live.stop()


@pytest.fixture
def counters(server: LiveServer, tmp_path: Path) -> Iterator[dict[str, Database]]:
    from tests.sync_client.support import new_counter

    made: dict[str, Database] = {}

    def make(code: str) -> Database:
        made[code] = new_counter(tmp_path / f"{code}.sqlite", code, server)
        return made[code]

    yield make  # type: ignore[misc]
    for db in made.values():
        db.close()
