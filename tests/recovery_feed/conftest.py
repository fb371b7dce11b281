"""The recovery feed under test: the central server built as `tilldesk server run` builds it
(build_app, with a recovery database on the same PostgreSQL cluster), real counters on SQLite
files, and recovery cases opened the way intake opens them."""

import shutil
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import Engine, update

from app.db.database import Database, open_database
from app.db.recovery_tables import (
    recovery_attempts,
    recovery_cases,
    recovery_decisions,
    recovery_messages,
)
from app.services.recovery_database import DB_VARIABLE, shared_recovery_database
from app.services.recovery_intake import Failure, intake, save_consumers
from app.services.recovery_portfolio import CaseRow, Consumer
from cli.wiring.server_app import build_app
from cli.wiring.server_options import ServerOptions
from cli.wiring.server_recovery_feed import INTERVAL_VARIABLE
from tests.pg import pg_cluster, pg_url, server_db_url, server_template  # noqa: F401
from tests.sync_client.conftest import memory_keyring  # noqa: F401
from tests.sync_client.support import LiveServer, new_counter, seed_server_from


class FeedServer(LiveServer):
    """The server app with the recovery areas wired (the recovery feed among them)."""

    recovery_db: str = ""

    def start(self) -> None:
        app = build_app(ServerOptions(db_url=self.db_url, recovery_db=self.recovery_db))
        self.app = app
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="on")  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)


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


def open_case(
    recovery: Engine, case_id: str, amount_minor: int, *, account: str = "WU-10001",
    hours_ago: int = 30, code: str = "202",
) -> str:  # fmt: skip
    """A declined card payment of the consumer as the gateway intake records it."""
    now = datetime.now(UTC)
    save_consumers(recovery, [Consumer(account, "john@example.com", "", "US", "NY", "", "en",
                                       False)])  # fmt: skip
    row = CaseRow(
        case_id=case_id, consumer_id=account, amount_minor=amount_minor, currency="USD",
        method="card", gateway="nmi", network="visa", card_type="debit",
        failed_at=now - timedelta(hours=hours_ago), code=code, advice_code="", product="bill",
        due_date=None,
    )  # fmt: skip
    report = intake(recovery, "test", [Failure(row, f"vault-{case_id}")])
    assert report.added == [case_id], report
    return case_id


def engine_history(recovery: Engine, case_id: str) -> None:
    """What `recovery run` leaves on a case: a decision with its score, a declined attempt, a
    reminder; the next visit tomorrow."""
    now = datetime.now(UTC)
    with recovery.begin() as connection:
        connection.execute(recovery_attempts.insert().values(
            case_id=case_id, instrument=f"vault-{case_id}", at=now - timedelta(hours=20),
            amount_minor=14_550, approved=False, code="51", category="insufficient_funds",
            state="done", idempotency_key=f"rcv-{case_id}-1"))  # fmt: skip
        connection.execute(recovery_decisions.insert().values(
            case_id=case_id, decided_at=now - timedelta(hours=2), policy="smart",
            kind="retry_at", act_at=now + timedelta(days=1), amount_minor=14_550,
            reason="after the consumer's payday", score=0.62))  # fmt: skip
        connection.execute(recovery_messages.insert().values(
            case_id=case_id, consumer_id="WU-10001", at=now - timedelta(hours=1),
            channel="email", template="reminder", payment_link=True, urgent=False,
            accepted=True))  # fmt: skip
        connection.execute(update(recovery_cases).where(recovery_cases.c.id == case_id)
                           .values(next_at=now + timedelta(days=1)))  # fmt: skip
