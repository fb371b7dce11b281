"""A single-site counter without a server passes its disputes and circumstances to its own
recovery database (recovery.db beside the counter's file, real SQLite): a disputed bill's case
is held, released when the dispute is resolved; a registered counter leaves that to its server,
and a counter without a recovery database gets none created."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db.recovery_tables import recovery_cases, recovery_events
from app.db.recovery_tables_disputes import recovery_circumstances
from app.db.tables.sync_state import SyncState
from app.services.circumstances import CircumstancesRequest, set_circumstances
from app.services.disputes import open_dispute, update_dispute
from app.services.recovery_database import BESIDE_COUNTER, DB_VARIABLE, open_recovery_database
from app.services.recovery_intake import Failure, intake
from app.services.recovery_portfolio import CaseRow


@pytest.fixture(autouse=True)
def _no_recovery_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DB_VARIABLE, raising=False)  # the file beside the counter decides


@pytest.fixture
def local_recovery(db):
    """The single site's recovery service chasing John Doe's failed bill payment."""
    engine = open_recovery_database(f"sqlite:///{db.path.parent / BESIDE_COUNTER}")
    row = CaseRow(
        case_id="K-BILL", consumer_id="WU-10001", amount_minor=14_550, currency="USD",
        method="card", gateway="nmi", network="visa", card_type="debit",
        failed_at=datetime.now(UTC) - timedelta(hours=30), code="51", advice_code="",
        product="bill", due_date=None,
    )  # fmt: skip
    intake(engine, "import", [Failure(row, "vault-1")])
    yield engine
    engine.dispose()


def _case(engine) -> tuple[str, str]:
    with engine.connect() as conn:
        row = conn.execute(select(recovery_cases.c.status, recovery_cases.c.status_reason)).one()
        return row.status, row.status_reason or ""


def _dispute(db):
    return open_dispute(
        db.unit_of_work(), account_number="WU-10001", subject="bill", number="INV-2025-001234",
        reason="Meter read twice in March", username="jsmith",
    )  # fmt: skip


def test_a_dispute_at_a_standalone_counter_holds_its_local_case_until_resolved(
    db, local_recovery
) -> None:
    opened = _dispute(db)
    assert _case(local_recovery) == (
        "disputed",
        "disputed at the counter (INV-2025-001234): Meter read twice in March",
    )

    update_dispute(
        db.unit_of_work(), dispute_ref=str(opened.id), status="resolved",
        resolution="Second read removed", username="mbrown",
    )  # fmt: skip
    status, reason = _case(local_recovery)
    assert status == "stopped" and "resolved for the consumer" in reason
    with local_recovery.connect() as conn:
        kinds = list(conn.scalars(select(recovery_events.c.type).order_by(recovery_events.c.id)))
    assert kinds[-2:] == ["disputed", "dispute_resolved"]


def test_special_circumstances_reach_the_local_recovery_database(db, local_recovery) -> None:
    set_circumstances(
        db.unit_of_work(),
        CircumstancesRequest("WU-10001", ("hardship",), "", "sms", "17:00", "20:00", "es"),
        username="jsmith",
    )
    with local_recovery.connect() as conn:
        row = conn.execute(select(recovery_circumstances)).one()
    assert (row.consumer_id, row.circumstances, row.preferred_channel, row.language) == (
        "WU-10001", ["hardship"], "sms", "es",
    )  # fmt: skip


def test_a_registered_counter_leaves_its_disputes_to_the_server(db, local_recovery) -> None:
    with db.unit_of_work() as uow:
        state = uow.session.get(SyncState, 1) or SyncState(id=1)
        state.server_url = "https://central.example:8443"
        uow.session.add(state)
        uow.commit()
    _dispute(db)
    assert _case(local_recovery) == ("open", "")


def test_no_recovery_database_is_created_for_a_counter_without_one(db) -> None:
    _dispute(db)
    assert not Path(db.path.parent / BESIDE_COUNTER).exists()
