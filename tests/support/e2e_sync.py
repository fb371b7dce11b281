"""The `tilldesk` command and the central server run as child processes."""

import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import func, select

from app.db.database import Database
from app.db.tables import OutboxRecord, Payment
from tests.sync_client.support import LiveServer, free_port

ROOT = Path(__file__).resolve().parents[2]


TILLDESK = [sys.executable, "-m", "cli.main"]


def tilldesk(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*TILLDESK, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def new_counter(env: dict[str, str], server_url: str, code: str) -> None:
    """`tilldesk init` and `terminal register` with a plain-HTTP test server: a new counter."""
    assert tilldesk(env, "init", "--terminal", code, "--admin-pin", "9999").returncode == 0
    registered = tilldesk(
        env, "terminal", "register", "--server", server_url, "--code", code, "--insecure-http"
    )
    assert registered.returncode == 0, registered.stderr


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


def local_payments(db: Database) -> dict[str, int]:
    with db.read() as uow:
        own = uow.terminal().id
        rows = uow.session.execute(
            select(Payment.receipt_number, Payment.amount_minor).where(Payment.terminal_id == own)
        )
        return dict(rows.all())


def unsent(db: Database) -> int:
    with db.read() as uow:
        return uow.session.scalar(
            select(func.count()).select_from(OutboxRecord).where(OutboxRecord.state != "sent")
        )
