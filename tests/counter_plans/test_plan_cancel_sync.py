"""A plan cancelled at counter A reaches the server, which checks the canceller and the version,
publishes it, and counter B stops treating its installments as due (real server on loopback,
real PostgreSQL, real SQLite files)."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db.tables import OutboxRecord
from app.services.consumers import consumer_account
from app.services.counter_plans import PlanRequest, create_plan, modify_plan
from app.services.counter_plans_cancel import cancel_plan
from app.services.counter_plans_views import disconnection_standing, plan_detail
from sync.server.db import make_engine
from sync.server.plans_scan import scan_plans
from tests.sync_client.support import LiveServer, sync

PLAN = "PP-2025-0034"  # the sample's plan: 3 x 67.50, long overdue


def soon(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


def test_a_plan_cancelled_at_one_counter_is_cancelled_at_the_server_and_the_other(
    counters,
    server: LiveServer,
) -> None:
    t01, t02 = counters("T01"), counters("T02")
    # Back on track first (rescheduled), so that B sees a compliant plan protect the consumer.
    modify_plan(
        t01.unit_of_work(), PLAN, PlanRequest("202.50", "", 3, "Monthly", soon(10)),
        username="mbrown",
    )  # fmt: skip
    sync(t01)
    sync(t02)
    assert disconnection_standing(t02.unit_of_work(), "WU-10001").protected_by == (PLAN,)
    owed_before = consumer_account(t02.unit_of_work(), "WU-10001").balance_minor

    cancel_plan(t01.unit_of_work(), PLAN, "Consumer moved out", username="mbrown")
    assert sync(t01).push.sent == 1

    [row] = server.query("SELECT data FROM payment_plans WHERE plan_number = :n", n=PLAN)
    assert (row.data["status"], row.data["cancel_reason"], row.data["version"]) == (
        "Cancelled",
        "Consumer moved out",
        3,
    )
    [event] = server.query("SELECT actor, detail FROM server_events WHERE action='plan.cancelled'")
    assert (event.actor, event.detail["reason"]) == ("mbrown", "Consumer moved out")

    sync(t02)
    detail = plan_detail(t02.unit_of_work(), PLAN)
    assert detail.summary.state.value == "Cancelled" and detail.modified_by == "mbrown"
    assert {i.state.value for i in detail.summary.compliance.installments} == {"Cancelled"}
    assert disconnection_standing(t02.unit_of_work(), "WU-10001").protected_by == ()
    assert consumer_account(t02.unit_of_work(), "WU-10001").balance_minor == owed_before - 20_250

    # The server's daily round neither reminds about nor reviews a cancelled plan.
    engine = make_engine(server.db_url, pool_size=1)
    try:
        report = scan_plans(engine, datetime.now(UTC) + timedelta(days=200), "USD")
    finally:
        engine.dispose()
    assert [m for m in report.missed if m.key.startswith(PLAN)] == []
    assert PLAN not in report.reviews


def test_a_change_to_a_plan_cancelled_elsewhere_is_refused_with_the_reason(
    counters,
    server: LiveServer,
) -> None:
    t01, t02 = counters("T01"), counters("T02")
    cancel_plan(t01.unit_of_work(), PLAN, "Written off", username="mbrown")
    modify_plan(
        t02.unit_of_work(), PLAN, PlanRequest("202.50", "", 2, "Monthly", soon(10)),
        username="mbrown",
    )  # fmt: skip
    assert sync(t01).push.sent == 1
    assert sync(t02).push.parked == 1
    assert "was cancelled" in plan_detail(t02.unit_of_work(), PLAN).parked_reason


def test_a_cancel_made_to_an_outdated_plan_is_refused(counters, server: LiveServer) -> None:
    t01, t02 = counters("T01"), counters("T02")
    modify_plan(
        t01.unit_of_work(), PLAN, PlanRequest("202.50", "", 3, "Monthly", soon(10)),
        username="mbrown",
    )  # fmt: skip
    cancel_plan(t02.unit_of_work(), PLAN, "Written off", username="mbrown")
    assert sync(t01).push.sent == 1
    assert sync(t02).push.parked == 1
    assert "changed elsewhere" in plan_detail(t02.unit_of_work(), PLAN).parked_reason
    [row] = server.query("SELECT data FROM payment_plans WHERE plan_number = :n", n=PLAN)
    assert row.data["status"] == "Active"


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ({"modified_by": "rpatel"}, "'rpatel' may not cancel payment plans"),
        ({"cancel_reason": " "}, "a reason of 1 to 200 characters is required"),
        ({"base_version": None}, "base_version must be a positive whole number"),
    ],
)
def test_the_server_checks_a_pushed_cancellation_itself(
    counters, server: LiveServer, tamper: dict, reason: str
) -> None:
    t01 = counters("T01")
    saved = cancel_plan(t01.unit_of_work(), PLAN, "Written off", username="mbrown")
    with t01.unit_of_work() as uow:  # what a tampered or faulty counter would send
        row = uow.session.scalar(
            select(OutboxRecord).where(OutboxRecord.entity_id == saved.plan_id)
        )
        assert row is not None
        row.payload_json = json.dumps(json.loads(row.payload_json) | tamper)
        uow.commit()

    assert sync(t01).push.parked == 1
    assert reason in plan_detail(t01.unit_of_work(), PLAN).parked_reason
    [row] = server.query("SELECT data FROM payment_plans WHERE plan_number = :n", n=PLAN)
    assert row.data["status"] == "Active"


def test_a_plan_made_and_cancelled_offline_reaches_the_server_numbered_and_cancelled(
    counters,
    server: LiveServer,
) -> None:
    t01, t02 = counters("T01"), counters("T02")
    server.stop()
    saved = create_plan(
        t01.unit_of_work(), "WU-10001", PlanRequest("90.00", "", 3, "Weekly", soon(7)),
        username="mbrown",
    )  # fmt: skip
    cancel_plan(t01.unit_of_work(), saved.plan_number, "Agreed by mistake", username="mbrown")
    server.start()

    assert sync(t01).push.sent == 2  # made, then cancelled, in that order
    [row] = server.query("SELECT plan_number, data FROM payment_plans WHERE id = :i",
                         i=saved.plan_id)  # fmt: skip
    assert (row.data["status"], row.data["version"]) == ("Cancelled", 2)
    sync(t02)
    assert plan_detail(t02.unit_of_work(), row.plan_number).summary.state.value == "Cancelled"
