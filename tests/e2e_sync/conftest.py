"""End-to-end sync: `tilldesk` processes (server and counters) against real PostgreSQL.

Child processes share the terminal tokens through a test-only file keyring
(tests/e2e_sync/file_keyring.py, chosen with PYTHON_KEYRING_BACKEND)."""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import keyring
import pytest
import requests

from app.db.database import open_database
from tests.e2e_sync.file_keyring import FileKeyring
from tests.pg import pg_cluster, server_db_url, server_template  # noqa: F401
from tests.sync_client.support import ADMIN, ADMIN_PASSWORD, LiveServer, free_port, seed_server_from

ROOT = Path(__file__).resolve().parents[2]
TILLDESK = [sys.executable, "-m", "cli.main"]


@pytest.fixture
def child_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of every child `tilldesk`, and the same keyring file in this process."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHON_KEYRING_BACKEND": "tests.e2e_sync.file_keyring.FileKeyring",
        "TILLDESK_TEST_KEYRING": str(tmp_path / "keyring.json"),
        "TILLDESK_ADMIN_USER": ADMIN,
        "TILLDESK_ADMIN_PASSWORD": ADMIN_PASSWORD,
    }
    previous_env = os.environ.get("TILLDESK_TEST_KEYRING")
    os.environ["TILLDESK_TEST_KEYRING"] = env["TILLDESK_TEST_KEYRING"]
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    yield env
    keyring.set_keyring(previous)
    if previous_env is None:
        os.environ.pop("TILLDESK_TEST_KEYRING", None)


def tilldesk(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*TILLDESK, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


@dataclass
class ServerProcess:
    """`tilldesk server run` as a child process: killed with SIGKILL, started again."""

    db_url: str
    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [*TILLDESK, "server", "run", "--db", self.db_url, "--port", str(self.port)],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{self.url}/v1/health", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start:\n" + self.log.read_text())
            time.sleep(0.1)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None

    def query(self, sql: str, **params: object) -> list:
        return LiveServer(self.db_url).query(sql, **params)


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
