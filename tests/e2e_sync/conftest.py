"""End-to-end sync: `tilldesk` processes (server and counters) against real PostgreSQL.

Child processes keep the terminal tokens as a headless counter does: in the encrypted file
keyring whose key is a systemd-style credential (tests/e2e_sync/file_keyring.py)."""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from app.db.database import open_database
from tests.e2e_sync.file_keyring import headless_keyring_env
from tests.pg import pg_cluster, server_db_url, server_template  # noqa: F401
from tests.sync_client.support import ADMIN, ADMIN_PASSWORD, LiveServer, free_port, seed_server_from

ROOT = Path(__file__).resolve().parents[2]
TILLDESK = [sys.executable, "-m", "cli.main"]


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
                # Plain HTTP, so LossyProxy can sit in between (TLS: test_tls_default.py).
                [
                    *TILLDESK,
                    "server",
                    "run",
                    "--db",
                    self.db_url,
                    "--port",
                    str(self.port),
                    "--insecure-http",
                ],
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
