"""Creating, modifying, cancelling and showing a payment plan at the counter, on a fake unit
of work."""

import uuid
from datetime import date

import pytest

from app.db.tables import CreditNoteApplication, PaymentAllocation
from app.domain.errors import PermissionDenied, UserFacingError
from app.domain.plan_compliance import PlanState
from app.domain.roles import Role
from app.services.counter_plans import PlanRequest, create_plan, modify_plan, preview_plan
from app.services.counter_plans_cancel import cancel_plan
from app.services.counter_plans_views import plan_detail, plans_overview
from tests.support.counter import Counter
from tests.support.fake_uow import seed_user

# 300.00 as 60.00 down today (the fake's clock says 2026-03-10) and three monthly 80.00.
REQUEST = PlanRequest("300.00", "60.00", 3, "monthly", "2026-04-01", note="  Agreed by phone ")


def schedule_of(counter: Counter, plan_id: uuid.UUID) -> list[tuple[int, int, date]]:
    return [
        (i.number, i.amount_minor, i.due_date)
        for i in sorted(counter.store.installments, key=lambda i: i.number)
        if i.plan_id == plan_id
    ]


def test_a_new_plan_is_scheduled_audited_and_sent(counter: Counter) -> None:
    saved = create_plan(counter.uow, "acc-1001", REQUEST, username="manager")

    assert saved.plan_number.startswith("PP-NEW-")  # provisional until the server numbers it
    assert schedule_of(counter, saved.plan_id) == [
        (1, 6_000, date(2026, 3, 10)),
        (2, 8_000, date(2026, 4, 1)),
        (3, 8_000, date(2026, 5, 1)),
        (4, 8_000, date(2026, 6, 1)),
    ]
    [plan] = counter.store.plans
    assert (plan.status, plan.total_minor, plan.note, plan.version) == (
        "Active",
        30_000,
        "Agreed by phone",
        1,
    )
    assert counter.uow.actions() == ["plan.created"]
    [sent] = counter.store.outbox
    assert (sent.entity, sent.entity_id) == ("payment_plan", plan.id)
    assert sent.payload["account_number"] == "ACC-1001"
    assert (sent.payload["version"], sent.payload["base_version"]) == (1, None)
    assert [r["amount_minor"] for r in sent.payload["installments"]] == [6_000] + [8_000] * 3


def test_the_preview_writes_nothing(counter: Counter) -> None:
    preview = preview_plan(counter.uow, REQUEST, account_number="ACC-1001", username="manager")

    assert [s.amount_minor for s in preview.schedule] == [6_000, 8_000, 8_000, 8_000]
    assert (preview.consumer_name, preview.plan_number) == ("Jane Doe", None)
    assert counter.store.plans == [] and counter.store.outbox == [] and counter.store.audit == []


def test_a_cashier_may_not_create_a_plan(counter: Counter) -> None:
    with pytest.raises(PermissionDenied):
        create_plan(counter.uow, "ACC-1001", REQUEST, username="cashier")

    assert counter.store.plans == [] and counter.store.installments == []
    assert counter.store.outbox == []


def test_wrong_terms_are_refused_with_nothing_written(counter: Counter) -> None:
    late = PlanRequest("300.00", "", 3, "Monthly", "2026-03-01")
    with pytest.raises(UserFacingError, match="cannot fall due in the past"):
        create_plan(counter.uow, "ACC-1001", late, username="manager")
    with pytest.raises(UserFacingError, match="Frequency must be one of"):
        create_plan(
            counter.uow,
            "ACC-1001",
            PlanRequest("300", "", 3, "daily", "2026-04-01"),
            username="manager",
        )

    assert counter.store.plans == [] and counter.store.outbox == []


def test_a_modification_keeps_what_was_paid_and_numbers_on(counter: Counter) -> None:
    saved = create_plan(counter.uow, "ACC-1001", REQUEST, username="manager")
    down = min(counter.store.installments, key=lambda i: i.number)
    counter.store.allocations.append(
        PaymentAllocation(
            id=uuid.uuid4(), payment_id=uuid.uuid4(), installment_id=down.id, amount_minor=6_000
        )
    )

    again = PlanRequest("300.00", "", 2, "Monthly", "2026-04-15")
    modify_plan(counter.uow, saved.plan_number.lower(), again, username="manager")

    assert schedule_of(counter, saved.plan_id) == [
        (1, 6_000, date(2026, 3, 10)),  # paid: kept as it was
        (5, 12_000, date(2026, 4, 15)),  # numbers are never reused
        (6, 12_000, date(2026, 5, 15)),
    ]
    assert counter.uow.actions() == ["plan.created", "plan.modified"]
    modified = counter.store.outbox[-1].payload
    assert (modified["version"], modified["base_version"]) == (2, 1)
    assert modified["installment_count"] == 2
    assert counter.store.audit[-1].before is not None
    assert counter.store.audit[-1].before["schedule"][1] == "2: 8000 on 2026-04-01"


def test_a_cancelled_plan_says_what_is_no_longer_owed(counter: Counter) -> None:
    saved = create_plan(counter.uow, "ACC-1001", REQUEST, username="manager")

    cancelled = cancel_plan(counter.uow, saved.plan_number, "  Moved away ", username="manager")

    assert (cancelled.reason, cancelled.unpaid_minor) == ("Moved away", 30_000)
    [plan] = counter.store.plans
    assert (plan.status, plan.version) == ("Cancelled", 2)
    sent = counter.store.outbox[-1].payload
    assert (sent["status"], sent["cancel_reason"], sent["base_version"]) == (
        "Cancelled",
        "Moved away",
        1,
    )
    assert counter.store.audit[-1].after is not None
    assert counter.store.audit[-1].after["reason"] == "Moved away"
    with pytest.raises(UserFacingError, match="cancelled already"):
        cancel_plan(counter.uow, saved.plan_number, "again", username="manager")
    with pytest.raises(UserFacingError, match="is cancelled"):
        modify_plan(counter.uow, saved.plan_number, REQUEST, username="manager")
    assert len(counter.store.outbox) == 2


def test_only_billing_managers_and_admins_cancel(counter: Counter) -> None:
    seed_user(counter.store, "rex", Role.RECOVERY_EXECUTIVE)
    saved = create_plan(counter.uow, "ACC-1001", REQUEST, username="rex")

    with pytest.raises(PermissionDenied):
        cancel_plan(counter.uow, saved.plan_number, "No longer needed", username="rex")
    with pytest.raises(UserFacingError, match="reason is required"):
        cancel_plan(counter.uow, saved.plan_number, "  ", username="admin")

    assert counter.store.plans[0].status == "Active"
    assert counter.uow.actions() == ["plan.created"]


def test_an_unknown_plan_number_is_not_found(counter: Counter) -> None:
    with pytest.raises(UserFacingError, match="PP-2026-9999"):
        modify_plan(counter.uow, "PP-2026-9999", REQUEST, username="manager")


def test_the_plan_screens_show_a_plan_the_server_has_not_taken(counter: Counter) -> None:
    saved = create_plan(counter.uow, "ACC-1001", REQUEST, username="manager")
    down = min(counter.store.installments, key=lambda i: i.number)
    counter.store.applications.append(
        CreditNoteApplication(id=uuid.uuid4(), installment_id=down.id, amount_minor=6_000)
    )
    counter.store.outbox[-1].state, counter.store.outbox[-1].reason = "parked", "Stale version"

    detail = plan_detail(counter.uow, saved.plan_number.lower())

    assert detail.summary.state is PlanState.PENDING
    assert (detail.summary.sync_state, detail.parked_reason) == ("parked", "Stale version")
    assert (detail.summary.compliance.total_minor, detail.summary.compliance.paid_minor) == (
        30_000,
        6_000,
    )
    assert (detail.down_payment_minor, detail.note, detail.version) == (6_000, "Agreed by phone", 1)
    assert [s.plan_number for s in plans_overview(counter.uow, search="jane")] == [
        saved.plan_number
    ]
    assert plans_overview(counter.uow, search="nobody") == []
