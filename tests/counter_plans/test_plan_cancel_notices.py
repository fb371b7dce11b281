"""A plan's cancellation reaches every counter with its reason and closes the recovery cases
its missed installments opened, once; a milestone is queued for its message once (real server
on loopback, real PostgreSQL, real SQLite counter and recovery files)."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update

from app.db.recovery_tables import recovery_cases, recovery_events
from app.db.recovery_tables_plan_notices import recovery_plan_notices
from app.services.counter_plans import PlanRequest, create_plan
from app.services.counter_plans_cancel import cancel_plan
from app.services.counter_plans_views import plan_detail
from app.services.recovery_database import open_recovery_database
from cli.wiring.server_plans import plans_round
from sync.server.db import make_engine
from tests.sync_client.support import LiveServer, pay, sync

PLAN = "PP-2025-0034"  # the sample's plan: 3 x 67.50, all long missed


@pytest.fixture
def engines(server: LiveServer, tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    central = make_engine(server.db_url, pool_size=1)
    recovery = open_recovery_database(f"sqlite:///{tmp_path / 'recovery.sqlite'}")
    yield central, recovery
    central.dispose()
    recovery.dispose()


def test_the_cancel_reason_is_seen_on_a_second_counter_after_sync(
    counters, server: LiveServer
) -> None:
    t01, t02 = counters("T01"), counters("T02")
    sync(t02)
    cancel_plan(t01.unit_of_work(), PLAN, "Consumer moved out", username="mbrown")
    assert plan_detail(t01.unit_of_work(), PLAN).cancel_reason == "Consumer moved out"

    sync(t01)
    sync(t02)

    seen = plan_detail(t02.unit_of_work(), PLAN)
    assert (seen.summary.state.value, seen.cancel_reason, seen.modified_by) == (
        "Cancelled",
        "Consumer moved out",
        "mbrown",
    )


def _cases(recovery: Engine) -> dict[str, tuple[str, str | None]]:
    c = recovery_cases.c
    with recovery.connect() as conn:
        rows = conn.execute(
            select(c.external_id, c.status, c.status_reason).where(c.source == "counter_plan")
        )
        return {r.external_id: (r.status, r.status_reason) for r in rows}


def _closing_events(recovery: Engine) -> list[tuple[str, str]]:
    c, e = recovery_cases.c, recovery_events.c
    with recovery.connect() as conn:
        rows = conn.execute(
            select(c.external_id, e.detail)
            .join(recovery_cases, c.id == e.case_id)
            .where(e.type == "plan_cancelled")
            .order_by(c.external_id)
        )
        return [(r.external_id, r.detail["reason"]) for r in rows]


def test_a_cancelled_plans_missed_installment_cases_close_once_and_a_recovered_one_stays(
    counters, server: LiveServer, engines: tuple[Engine, Engine]
) -> None:
    central, recovery = engines
    now = datetime.now(UTC)
    assert plans_round(central, recovery, now).cases_opened == [
        f"{PLAN}/1", f"{PLAN}/2", f"{PLAN}/3",
    ]  # fmt: skip
    with recovery.begin() as conn:  # the first installment's case was recovered meanwhile
        conn.execute(
            update(recovery_cases)
            .where(recovery_cases.c.external_id == f"{PLAN}/1")
            .values(status="paid", recovered_minor=6_750, status_reason="paid by link")
        )
    t01 = counters("T01")
    cancel_plan(t01.unit_of_work(), PLAN, "Written off by the board", username="mbrown")
    sync(t01)

    first = plans_round(central, recovery, now + timedelta(hours=1))
    again = plans_round(central, recovery, now + timedelta(hours=2))

    assert len(first.handed.closed) == 2 and again.handed.closed == []
    why = f"plan {PLAN} cancelled: Written off by the board"
    assert _cases(recovery) == {
        f"{PLAN}/1": ("paid", "paid by link"),
        f"{PLAN}/2": ("stopped", why),
        f"{PLAN}/3": ("stopped", why),
    }
    assert _closing_events(recovery) == [(f"{PLAN}/2", why), (f"{PLAN}/3", why)]


def test_a_milestone_reached_is_queued_for_its_message_once(
    counters, server: LiveServer, engines: tuple[Engine, Engine]
) -> None:
    central, recovery = engines
    t01 = counters("T01")
    due = (datetime.now(UTC).date() + timedelta(days=5)).isoformat()
    create_plan(t01.unit_of_work(), "WU-10001", PlanRequest("100.00", "", 2, "Monthly", due),
                username="mbrown")  # fmt: skip
    sync(t01)
    sync(t01)
    [number] = [
        r.plan_number
        for r in server.query("SELECT plan_number FROM payment_plans")
        if r.plan_number != PLAN
    ]
    pay(t01, f"{number}/1", "50.00", kind="Installment")
    sync(t01)

    first = plans_round(central, recovery, datetime.now(UTC))
    again = plans_round(central, recovery, datetime.now(UTC) + timedelta(hours=1))

    assert (first.handed.queued, again.handed.queued) == ([f"{number}/half_paid"], [])
    with recovery.connect() as conn:
        row = conn.execute(select(recovery_plan_notices)).one()
    assert (row.consumer_id, row.paid_minor, row.total_minor, row.status) == (
        "WU-10001", 5_000, 10_000, "pending",
    )  # fmt: skip
