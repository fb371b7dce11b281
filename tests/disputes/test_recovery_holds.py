"""The recovery service respects what counters record (real SQLite recovery database, real
worker ticks): a disputed case is never charged, a rejected dispute gives the case back, and a
consumer in hardship gets an escalation to a recovery executive instead of a retry."""

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.db.recovery_tables import recovery_attempts, recovery_cases
from app.db.recovery_tables_case_actions import recovery_case_actions
from app.db.recovery_tables_smart_collect import recovery_escalations
from app.recovery.code_tables import load_decline_codes
from app.services.circumstances_recovery import (
    CircumstancesNotice,
    Preferences,
    record_circumstances,
)
from app.services.disputes_recovery import DisputeNotice, record_dispute
from app.services.recovery_cases import change_status
from app.services.recovery_database import open_recovery_database
from app.services.recovery_intake import Failure, intake
from app.services.recovery_portfolio import CaseRow
from app.services.recovery_run import Worker
from sync.recovery.gateway import LoggingMessenger
from tests.recovery.run_helpers import seed
from tests.support.recovery_gateways import RecordingGateway


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'recovery.sqlite'}"


def _tick(engine, gateway: RecordingGateway, policy: str = "daily-3") -> None:
    Worker(
        engine=engine, gateway=gateway, messenger=LoggingMessenger(),
        codes=load_decline_codes(), clock=lambda: datetime.now(UTC), worker_id="w1",
        policy=policy,
    ).run(threading.Event(), once=True)  # fmt: skip


def _statuses(engine) -> dict[str, str]:
    with engine.connect() as connection:
        rows = connection.execute(select(recovery_cases.c.id, recovery_cases.c.status))
        return {r.id: r.status for r in rows}


def _attempted(engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.scalars(select(recovery_attempts.c.case_id)))


def _bill_dispute(status: str, version: int, resolution: str | None = None) -> DisputeNotice:
    return DisputeNotice(
        id="5f0c1d2e-0000-4000-8000-000000000001", consumer_id="C001", subject="bill",
        subject_number="INV-2025-001234", external_id=None, status=status,
        reason="Meter read twice", resolution=resolution, version=version,
        updated_at=datetime.now(UTC),
    )  # fmt: skip


def _new_case(engine, case_id: str, consumer_id: str) -> None:
    row = CaseRow(
        case_id=case_id, consumer_id=consumer_id, amount_minor=4_000, currency="USD",
        method="card", gateway="nmi", network="visa", card_type="debit",
        failed_at=datetime.now(UTC) - timedelta(hours=30), code="202", advice_code="",
        product="bill", due_date=None,
    )  # fmt: skip
    intake(engine, "test", [Failure(row, f"vault-{case_id}")])


def test_a_disputed_case_is_never_attempted_by_a_run_tick(url) -> None:
    seed(url, [5_000, 6_000])  # K001 for C001, K002 for C002, both due now
    engine = open_recovery_database(url)
    moved = record_dispute(engine, _bill_dispute("open", 1), datetime.now(UTC))
    assert moved == ["K001"]
    _new_case(engine, "K100", "C001")  # a failure of the same consumer after the dispute

    gateway = RecordingGateway()
    _tick(engine, gateway)

    assert gateway.charged == ["K002"]  # the undisputed case only
    assert _attempted(engine) == {"K002"}
    assert _statuses(engine) == {"K001": "disputed", "K002": "paid", "K100": "disputed"}
    with engine.connect() as connection:
        reason = connection.scalar(
            select(recovery_cases.c.status_reason).where(recovery_cases.c.id == "K100")
        )
    assert reason == "disputed at the counter (INV-2025-001234): Meter read twice"

    # An older notice arriving late changes nothing; the rejection gives the cases back.
    assert record_dispute(engine, _bill_dispute("open", 1), datetime.now(UTC)) == []
    released = record_dispute(
        engine, _bill_dispute("rejected", 2, "Read checked: correct"), datetime.now(UTC)
    )
    assert sorted(released) == ["K001", "K100"]
    _tick(engine, gateway)
    assert sorted(gateway.charged) == ["K001", "K002", "K100"]


def test_a_resolved_dispute_stops_the_case(url) -> None:
    seed(url, [5_000])
    engine = open_recovery_database(url)
    record_dispute(engine, _bill_dispute("under_review", 1), datetime.now(UTC))
    record_dispute(engine, _bill_dispute("resolved", 2, "Credit note CN-46129"), datetime.now(UTC))
    assert _statuses(engine) == {"K001": "stopped"}


def test_a_consumer_in_hardship_is_escalated_instead_of_retried(url) -> None:
    seed(url, [5_000, 6_000])
    engine = open_recovery_database(url)
    record_circumstances(
        engine,
        CircumstancesNotice(
            consumer_id="C001", circumstances=("hardship",), preferred_channel="sms",
            preferred_from="", preferred_until="", language="es", set_by="jsmith",
            set_at=datetime.now(UTC), version=1,
        ),
    )  # fmt: skip
    gateway = RecordingGateway()
    _tick(engine, gateway)

    assert gateway.charged == ["K002"]
    assert _statuses(engine)["K001"] == "paused"
    with engine.connect() as connection:
        escalation = connection.execute(
            select(recovery_escalations.c.owner, recovery_escalations.c.state).where(
                recovery_escalations.c.case_id == "K001"
            )
        ).one()
        action = connection.scalar(
            select(recovery_case_actions.c.text).where(recovery_case_actions.c.case_id == "K001")
        )
    assert tuple(escalation) == ("recovery executive", "open")
    assert action == (
        "Special circumstances (financial hardship): review before any charge; remind gently"
    )

    # The executive reviewed the case and resumed it: the engine may charge it now.
    change_status(engine, "K001", "resume", "Agreed to try the card again", datetime.now(UTC))
    _tick(engine, gateway)
    assert gateway.charged == ["K002", "K001"]


def test_messages_go_first_on_the_preferred_channel_and_wait_for_the_preferred_time() -> None:
    zone = ZoneInfo("America/New_York")
    prefs = Preferences(gentle=True, channel="sms", window=(
        datetime.strptime("17:00", "%H:%M").time(), datetime.strptime("20:00", "%H:%M").time()
    ))  # fmt: skip
    assert prefs.order(["email", "sms", "whatsapp"]) == ["sms", "email", "whatsapp"]
    assert prefs.order(["email"]) == ["email"]  # not allowed: the rules' channels only
    morning = datetime(2027, 3, 2, 14, 0, tzinfo=UTC)  # 09:00 in New York
    assert prefs.wait_until(morning, zone) == datetime(2027, 3, 2, 17, 0, tzinfo=zone)
    evening = datetime(2027, 3, 2, 23, 30, tzinfo=UTC)  # 18:30 in New York
    assert prefs.wait_until(evening, zone) is None
