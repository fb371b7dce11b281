"""Test support for sync: a real central server on loopback (uvicorn in a thread, real
PostgreSQL), reference data seeded on it from a counter, counters on their own SQLite files,
and an in-memory keyring (tests only: production refuses anything but a real OS keyring)."""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import uvicorn
from sqlalchemy import insert

from app.db.database import Database, open_database
from app.services.record_payment import PaymentRequest, RecordedPayment, record_payment
from app.services.reference_export import export_reference
from app.services.setup import initialise
from app.services.shifts import open_shift
from sync.client.register import register_terminal
from sync.client.runner import SyncResult, sync_once
from sync.server import reference, tables
from sync.server.app import create_app
from sync.server.auth import hash_password
from sync.server.db import make_engine
from sync.server.feed import NewChange, publish
from sync.server.sites import assign_users

ADMIN, ADMIN_PASSWORD = "root", "correct horse battery"


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Holds secrets in a dict: for tests on a machine without an OS keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LiveServer:
    """The real server app served by uvicorn; stop() and start() simulate an outage."""

    db_url: str
    port: int = field(default_factory=free_port)
    tls: tuple[Path, Path] | None = None  # (certificate, key): serve HTTPS
    clock_offset: timedelta = timedelta(0)  # how wrong the server's clock is
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> None:
        config = uvicorn.Config(
            create_app(
                self.db_url, pool_size=4, clock=lambda: datetime.now(UTC) + self.clock_offset
            ),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            ssl_certfile=str(self.tls[0]) if self.tls else None,
            ssl_keyfile=str(self.tls[1]) if self.tls else None,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=20)
            self._server = None

    def add_admin(self) -> None:
        engine = make_engine(self.db_url, pool_size=1)
        with engine.begin() as conn:
            conn.execute(
                insert(tables.admins).values(
                    username=ADMIN,
                    password_hash=hash_password(ADMIN_PASSWORD),
                    created_at=datetime.now(UTC),
                )
            )
        engine.dispose()

    def query(self, sql: str, **params: Any) -> list[Any]:
        from sqlalchemy import text

        engine = make_engine(self.db_url, pool_size=1)
        try:
            with engine.connect() as conn:
                return list(conn.execute(text(sql), params).all())
        finally:
            engine.dispose()


@contextmanager
def https_live_server(db_url: str, folder: Path) -> Iterator[tuple[LiveServer, str]]:
    """A live server over TLS with a self-signed certificate made in `folder`, its admin
    added: (the server, the certificate's fingerprint as `server run` prints it)."""
    from sync.server.tls import fingerprint_of
    from tests.server.tls import self_signed

    cert, key = self_signed(folder)
    live = LiveServer(db_url, tls=(cert, key))
    live.add_admin()
    live.start()
    try:
        yield live, fingerprint_of(cert)
    finally:
        live.stop()


def seed_server_from(counter: Database, db_url: str) -> None:
    """Put a counter's reference data on the server the way `tilldesk server demo` does
    (published on the change feed), so new counters pull the very same rows (same ids)."""
    engine = make_engine(db_url, pool_size=1)
    try:
        rows = export_reference(counter)
        reference.put(engine, rows, datetime.now(UTC))
        with engine.begin() as conn:  # one site, as the demo: the staff sign in everywhere
            assign_users(
                conn, [u["id"] for u in rows["user"]], "main", now=datetime.now(UTC), actor="test"
            )
    finally:
        engine.dispose()


def new_counter(path: Path, code: str, server: "LiveServer | str") -> Database:
    """init + register + one sync: a counter ready to take payments (also offline)."""
    url = server if isinstance(server, str) else server.url
    db = open_database(path)
    initialise(db, terminal_code=code, terminal_name=f"Counter {code}", admin_secret="0000")
    register_terminal(db, server_url=url, code=code, username=ADMIN, password=ADMIN_PASSWORD)
    sync_once(db)
    open_shift(db.unit_of_work(), opening_float="100.00", username="jsmith")
    return db


def pay(db: Database, item: str, amount: str, *, kind: str = "Bill") -> RecordedPayment:
    return record_payment(
        db.unit_of_work(),
        PaymentRequest(
            account_number="WU-10001",
            payment_type=kind,
            items=(item,),
            method="Cash",
            amount=amount,
            username="jsmith",
        ),
    )


def sync(db: Database) -> SyncResult:
    return sync_once(db)


def publish_changes(db_url: str, changes: list[NewChange]) -> None:
    """What the server does when an admin edits reference data: a change on the feed."""
    engine = make_engine(db_url, pool_size=1)
    with engine.begin() as conn:
        publish(conn, changes, datetime.now(UTC))
    engine.dispose()


def _query_write(self: LiveServer, sql: str, **params: Any) -> None:
    from sqlalchemy import text

    engine = make_engine(self.db_url, pool_size=1)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), params)
    finally:
        engine.dispose()


LiveServer.query_write = _query_write  # type: ignore[attr-defined]
