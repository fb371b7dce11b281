"""End to end: a dispute and a hardship recorded at a counter are pushed to the central server
(`tilldesk server run`'s app, with the recovery database configured, on real PostgreSQL) and
reach the recovery service, which then charges neither case on its next tick."""

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import uvicorn
from sqlalchemy import select

from app.db.recovery_tables import recovery_cases
from app.db.recovery_tables_disputes import recovery_circumstances
from app.recovery.code_tables import load_decline_codes
from app.services.circumstances import CircumstancesRequest, set_circumstances
from app.services.disputes import open_dispute
from app.services.recovery_database import open_recovery_database
from app.services.recovery_intake import Failure, intake, save_consumers
from app.services.recovery_portfolio import CaseRow, Consumer
from app.services.recovery_run import Worker
from cli.wiring.server_app import build_app
from cli.wiring.server_options import ServerOptions
from sync.recovery.gateway import LoggingMessenger
from tests.support.recovery_gateways import RecordingGateway
from tests.sync_client.support import LiveServer, sync


@dataclass
class ServerWithRecovery(LiveServer):
    """The same server on the same port, built as `tilldesk server run` builds it."""

    recovery_db: str = ""

    def start(self) -> None:
        app = build_app(ServerOptions(self.db_url, recovery_db=self.recovery_db))
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off")  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            assert time.monotonic() < deadline and self._thread.is_alive(), "no server"
            time.sleep(0.02)


def _case(case_id: str, account: str) -> Failure:
    row = CaseRow(
        case_id=case_id, consumer_id=account, amount_minor=14_550, currency="USD",
        method="card", gateway="nmi", network="visa", card_type="debit",
        failed_at=datetime.now(UTC) - timedelta(hours=30), code="202", advice_code="",
        product="bill", due_date=None,
    )  # fmt: skip
    return Failure(row, f"vault-{case_id}")


def test_a_counters_dispute_stops_the_recovery_service_charging(counters, server, tmp_path):
    url = f"sqlite:///{tmp_path / 'recovery.sqlite'}"
    recovery = open_recovery_database(url)
    save_consumers(
        recovery,
        [
            Consumer("WU-10001", "john@example.com", "", "US", "NY", "", "en", False),
            Consumer("WU-20002", "ana@example.com", "", "US", "NY", "", "en", False),
        ],
    )
    intake(recovery, "test", [_case("K-JOHN", "WU-10001"), _case("K-ANA", "WU-20002")])
    t01 = counters("T01")
    server.stop()
    central = ServerWithRecovery(server.db_url, port=server.port, recovery_db=url)
    central.start()
    try:
        open_dispute(
            t01.unit_of_work(), account_number="WU-10001", subject="bill",
            number="INV-2025-001567", reason="Estimated read, meter not visited",
            username="jsmith",
        )  # fmt: skip
        set_circumstances(
            t01.unit_of_work(),
            CircumstancesRequest("WU-10001", ("medical",), preferred_channel="email"),
            username="jsmith",
        )
        sync(t01)
    finally:
        central.stop()

    with recovery.connect() as connection:
        john = connection.execute(
            select(recovery_cases.c.status, recovery_cases.c.status_reason).where(
                recovery_cases.c.id == "K-JOHN"
            )
        ).one()
        kinds = connection.scalar(select(recovery_circumstances.c.circumstances))
    assert tuple(john) == (
        "disputed",
        "disputed at the counter (INV-2025-001567): Estimated read, meter not visited",
    )
    assert kinds == ["medical"]

    gateway = RecordingGateway()
    Worker(
        engine=recovery, gateway=gateway, messenger=LoggingMessenger(),
        codes=load_decline_codes(), clock=lambda: datetime.now(UTC), worker_id="w1",
        policy="daily-3",
    ).run(threading.Event(), once=True)  # fmt: skip
    assert gateway.charged == ["K-ANA"]
