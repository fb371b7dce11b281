"""The sync tests' real central server and counters, for test packages beyond tests/sync_client
(a pytest plugin, registered in tests/conftest.py). The package's conftest.py names them
`server`, `counters` and (autouse) `memory_keyring`; the PostgreSQL fixtures come from tests.pg,
imported by that conftest.py."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from app.db.database import Database, open_database
from tests.sync_client.support import LiveServer, MemoryKeyring, new_counter, seed_server_from


@pytest.fixture
def sync_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
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
def sync_server(server_db_url: str, sample_counter: Path, tmp_path: Path) -> Iterator[LiveServer]:
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
def sync_counters(sync_server: LiveServer, tmp_path: Path) -> Iterator[dict[str, Database]]:
    made: dict[str, Database] = {}

    def make(code: str) -> Database:
        made[code] = new_counter(tmp_path / f"{code}.sqlite", code, sync_server)
        return made[code]

    yield make  # type: ignore[misc]
    for db in made.values():
        db.close()
