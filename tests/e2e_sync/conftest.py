"""End-to-end sync: `tilldesk` processes (server and counters) against real PostgreSQL.

Child processes keep the terminal tokens as a headless counter does: in the encrypted file
keyring whose key is a systemd-style credential (tests/e2e_sync/file_keyring.py)."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.db.database import open_database
from tests.e2e_sync.file_keyring import headless_keyring_env
from tests.pg import pg_cluster, server_db_url, server_template  # noqa: F401
from tests.support.e2e_sync import ROOT, ServerProcess
from tests.sync_client.support import ADMIN, ADMIN_PASSWORD, LiveServer, seed_server_from


@pytest.fixture
def child_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The environment of every child `tilldesk`: a headless counter's token store, which
    counters registered in this process use too."""
    headless = headless_keyring_env(tmp_path / "headless")
    for name in ("TILLDESK_KEYRING", "CREDENTIALS_DIRECTORY", "TILLDESK_KEYRING_FILE"):
        monkeypatch.setenv(name, headless[name])
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        **headless,
        "TILLDESK_ADMIN_USER": ADMIN,
        "TILLDESK_ADMIN_PASSWORD": ADMIN_PASSWORD,
    }
    yield env


@pytest.fixture
def seeded_server_db(server_db_url: str, sample_counter: Path, tmp_path: Path) -> str:  # noqa: F811
    copy = tmp_path / "seed.sqlite"
    shutil.copyfile(sample_counter, copy)
    seed = open_database(copy)
    try:
        seed_server_from(seed, server_db_url)
    finally:
        seed.close()
    LiveServer(server_db_url).add_admin()
    return server_db_url


@pytest.fixture
def server_process(
    seeded_server_db: str, child_env: dict[str, str], tmp_path: Path
) -> Iterator[ServerProcess]:
    server = ServerProcess(seeded_server_db, child_env, tmp_path / "server.log")
    server.start()
    yield server
    server.kill()
