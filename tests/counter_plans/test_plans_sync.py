"""A plan made at counter A while offline reaches the server, which checks and numbers it, and
counter B, through the feed (real server on loopback, real PostgreSQL, real SQLite files)."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db.database import Database
from app.db.tables import Installment, OutboxRecord, PaymentPlan
from app.services.counter_plans import PlanRequest, create_plan, modify_plan
from app.services.counter_plans_views import plan_detail
from app.services.sync_status import sync_status
from tests.sync_client.support import LiveServer, pay, sync


def soon(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


def plan_rows(db: Database, plan_number: str) -> list[tuple[int, int]]:
    with db.read() as uow:
        plan = uow.session.scalar(select(PaymentPlan).where(PaymentPlan.plan_number == plan_number))
        assert plan is not None, f"{plan_number} is not on this counter"
        rows = uow.session.scalars(
            select(Installment).where(Installment.plan_id == plan.id).order_by(Installment.number)
        )
        return [(r.number, r.amount_minor) for r in rows]


def test_a_plan_made_offline_at_one_counter_is_numbered_by_the_server_and_reaches_another(
    counters,
    server: LiveServer,
) -> None:
    t01, t02 = counters("T01"), counters("T02")
    server.stop()  # offline: the plan and its down payment are taken without the server
    request = PlanRequest("300.00", "50.00", 2, "Monthly", soon(14), "hardship: two months")
    saved = create_plan(t01.unit_of_work(), "WU-10001", request, username="mbrown")
    pay(t01, f"{saved.plan_number}/1", "50.00", kind="Installment")

    # The plan is there, provisional, waiting for the server.
    assert saved.plan_number.startswith("PP-NEW-")
    assert plan_detail(t01.unit_of_work(), saved.plan_number).summary.sync_state == "pending"
    server.start()
    assert (
        server.query("SELECT plan_number FROM payment_plans WHERE id = :i", i=saved.plan_id) == []
    )

    result = sync(t01)
    assert (result.push.sent, result.push.parked) == (2, 0)  # the plan, then the payment
    [row] = server.query(
        "SELECT plan_number, data FROM payment_plans WHERE id = :i", i=saved.plan_id
    )
    year = datetime.now(UTC).year
    assert row.plan_number == f"PP-{year}-0001"
    assert row.data["created_by"] == "mbrown" and row.data["frequency"] == "Monthly"

    sync(t01)  # the feed brings the number back to the counter that made it
    mine = plan_detail(t01.unit_of_work(), row.plan_number)
    assert mine.summary.sync_state == "" and mine.note == "hardship: two months"
    sync(t02)
    assert plan_rows(t02, row.plan_number) == [(1, 5_000), (2, 12_500), (3, 12_500)]
    paid = plan_detail(t02.unit_of_work(), row.plan_number).summary.compliance
    assert (paid.paid_minor, paid.installments[0].state.value) == (5_000, "Paid")
    assert plan_detail(t02.unit_of_work(), row.plan_number).summary.frequency == "Monthly"

    # Modified at B: the unpaid schedule is replaced everywhere.
    modify_plan(
        t02.unit_of_work(), row.plan_number, PlanRequest("300.00", "", 3, "Weekly", soon(7)),
        username="mbrown",
    )  # fmt: skip
    assert (sync(t02).push.sent, sync(t01).push.sent) == (1, 0)
    # The paid down payment stays; the rest of the 300.00 is spread over three weeks.
    assert plan_rows(t01, row.plan_number) == [(1, 5_000), (4, 8_333), (5, 8_333), (6, 8_334)]
    assert sync_status(t01.unit_of_work()).pending_count == 0


def test_a_change_made_to_an_outdated_plan_is_refused_with_the_reason(
    counters,
    server: LiveServer,
) -> None:
    t01, t02 = counters("T01"), counters("T02")
    sync(t01)
    request = PlanRequest("135.00", "", 3, "Monthly", soon(10))
    modify_plan(t01.unit_of_work(), "PP-2025-0034", request, username="mbrown")
    modify_plan(t02.unit_of_work(), "PP-2025-0034", request, username="mbrown")
    assert sync(t01).push.sent == 1
    assert sync(t02).push.parked == 1
    detail = plan_detail(t02.unit_of_work(), "PP-2025-0034")
    assert "changed elsewhere" in detail.parked_reason


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ({"total_minor": 1}, "the installments do not add up to the plan total"),
        ({"created_by": "jsmith", "modified_by": "jsmith"}, "'jsmith' may not create or modify"),
        ({"frequency": "Hourly"}, "payment plan: a field is missing or malformed"),
        ({"created_on": "2999-01-01"}, "created_on 2999-01-01 is not a believable date"),
    ],
)
def test_the_server_checks_a_pushed_plan_itself_and_the_counter_parks_a_refused_one(
    counters,
    server: LiveServer,
    tamper: dict,
    reason: str,
) -> None:
    t01 = counters("T01")
    request = PlanRequest("100.00", "", 2, "Monthly", soon(10))
    saved = create_plan(t01.unit_of_work(), "WU-10001", request, username="mbrown")
    with t01.unit_of_work() as uow:  # what a tampered or faulty counter would send
        row = uow.session.scalar(
            select(OutboxRecord).where(OutboxRecord.entity_id == saved.plan_id)
        )
        assert row is not None
        row.payload_json = json.dumps(json.loads(row.payload_json) | tamper)
        uow.commit()

    result = sync(t01)

    assert (result.push.sent, result.push.parked) == (0, 1)
    assert server.query("SELECT 1 FROM payment_plans WHERE id = :i", i=saved.plan_id) == []
    detail = plan_detail(t01.unit_of_work(), saved.plan_number)
    assert reason in detail.parked_reason
    assert detail.summary.sync_state == "parked"
