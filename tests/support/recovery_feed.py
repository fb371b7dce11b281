"""Recovery cases opened and worked on for the recovery feed tests."""

import threading
import time
from datetime import UTC, datetime, timedelta

import uvicorn
from sqlalchemy import Engine, select, update

from app.db.recovery_tables import (
    recovery_attempts,
    recovery_cases,
    recovery_decisions,
    recovery_messages,
)
from app.recovery.code_tables import load_decline_codes
from app.services.recovery_intake import Failure, intake, save_consumers
from app.services.recovery_portfolio import CaseRow, Consumer
from app.services.recovery_run import ChargeOutcome, ChargeRequest, Worker
from cli.wiring.server_app import build_app
from cli.wiring.server_options import ServerOptions
from sync.recovery.gateway import LoggingMessenger
from tests.sync_client.support import LiveServer


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


class CountingGateway:
    """Approves every charge and counts them: the test asserts there are none."""

    def __init__(self) -> None:
        self.charges: list[ChargeRequest] = []

    def charge(self, request: ChargeRequest) -> ChargeOutcome:
        self.charges.append(request)
        return ChargeOutcome(True, "100")

    def lookup(self, request: ChargeRequest) -> ChargeOutcome | None:
        return None


def worker(recovery, gateway: CountingGateway) -> Worker:
    return Worker(
        engine=recovery, gateway=gateway, messenger=LoggingMessenger(),
        codes=load_decline_codes(), clock=lambda: datetime.now(UTC), worker_id="w1",
        policy="daily-3",
    )  # fmt: skip


def cases(recovery) -> dict[str, tuple[str, int]]:
    with recovery.connect() as connection:
        rows = connection.execute(
            select(recovery_cases.c.id, recovery_cases.c.status, recovery_cases.c.recovered_minor)
        )
        return {r.id: (r.status, r.recovered_minor) for r in rows}


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
