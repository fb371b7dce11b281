"""Plans made and changed at the counter (real SQLite file): schedule preview, the saved plan
with its provisional number, refusals with nothing written, the audit and the outbox."""

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from app.db.database import Database
from app.db.tables import AuditEvent, Installment, OutboxRecord, PaymentPlan
from app.domain.errors import PermissionDenied, UserFacingError
from app.domain.plan_compliance import InstallmentState, PlanState
from app.services.counter_plans import PlanRequest, create_plan, modify_plan, preview_plan
from app.services.counter_plans_views import disconnection_standing, plan_detail, plans_overview
from app.services.void_payment import void_payment
from tests.sync_client.support import pay

ACCOUNT = "WU-10001"
PLAN = PlanRequest(total="202.50", down_payment="", installments=3, frequency="monthly",
                   first_due=date(2025, 5, 15), note="agreed at the counter")  # fmt: skip


def counts(db: Database) -> tuple[int, int, int, int]:
    with db.read() as uow:
        s = uow.session
        return (
            s.scalar(select(func.count()).select_from(PaymentPlan)) or 0,
            s.scalar(select(func.count()).select_from(Installment)) or 0,
            s.scalar(select(func.count()).select_from(OutboxRecord)) or 0,
            s.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        )


def test_the_preview_shows_the_schedule_and_warns_of_the_open_plan(db: Database) -> None:
    preview = preview_plan(db.unit_of_work(), PLAN, account_number=ACCOUNT, username="mbrown")
    assert [(s.amount_minor, s.due_date.isoformat()) for s in preview.schedule] == [
        (6_750, "2025-05-15"),
        (6_750, "2025-06-15"),
        (6_750, "2025-07-15"),
    ]
    assert preview.warnings == (
        "John Doe already has plan PP-2025-0034 open: consider modifying it instead.",
    )


def test_a_billing_manager_creates_a_plan_audited_and_queued_for_the_server(db: Database) -> None:
    before = counts(db)
    saved = create_plan(db.unit_of_work(), ACCOUNT, PLAN, username="mbrown")
    assert saved.plan_number.startswith("PP-NEW-")
    assert counts(db) == (before[0] + 1, before[1] + 3, before[2] + 1, before[3] + 1)
    with db.read() as uow:
        entity, payload_json = uow.session.execute(
            select(OutboxRecord.entity, OutboxRecord.payload_json).order_by(OutboxRecord.seq.desc())
        ).first()
        action = uow.session.scalar(select(AuditEvent.action).order_by(AuditEvent.seq.desc()))
    assert entity == "payment_plan"
    payload = json.loads(payload_json)
    assert (payload["total_minor"], payload["frequency"], payload["created_by"]) == (
        20_250,
        "Monthly",
        "mbrown",
    )
    assert action == "plan.created"
    detail = plan_detail(db.unit_of_work(), saved.plan_number)
    assert detail.summary.state is PlanState.PENDING and detail.summary.sync_state == "pending"
    assert [i.state for i in detail.summary.compliance.installments] == [InstallmentState.DUE] * 3


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (PlanRequest("", "", 3, "Monthly", "2025-05-15"), "Plan total is required."),
        (PlanRequest("abc", "", 3, "Monthly", "2025-05-15"), "Plan total must be a number"),
        (PlanRequest("100", "100", 3, "Monthly", "2025-05-15"), "Nothing is left to spread"),
        (PlanRequest("100", "", "three", "Monthly", "2025-05-15"), "whole number"),
        (PlanRequest("100", "", 3, "Hourly", "2025-05-15"), "Frequency must be one of"),
        (PlanRequest("100", "", 3, "Monthly", "15/05/2025"), "a date like 2025-05-15"),
        (PlanRequest("100", "", 3, "Monthly", "2025-04-01"), "cannot fall due in the past"),
    ],
)
def test_bad_plans_are_refused_with_a_message_and_nothing_written(
    db: Database, request_: PlanRequest, message: str
) -> None:
    before = counts(db)
    with pytest.raises(UserFacingError, match=message):
        create_plan(db.unit_of_work(), ACCOUNT, request_, username="mbrown")
    assert counts(db) == before


def test_a_cashier_may_not_create_plans(db: Database) -> None:
    before = counts(db)
    with pytest.raises(PermissionDenied, match=r"A cashier may not create or modify plans\."):
        create_plan(db.unit_of_work(), ACCOUNT, PLAN, username="jsmith")
    assert counts(db) == before


def test_modifying_keeps_the_paid_installment_and_reschedules_the_rest(db: Database) -> None:
    pay(db, "PP-2025-0034/1", "67.50", kind="Installment")
    request = PlanRequest("135.00", "", 4, "Weekly", date(2025, 4, 25))
    saved = modify_plan(db.unit_of_work(), "pp-2025-0034", request, username="mbrown")
    assert [(s.number, s.amount_minor, s.kept) for s in saved.schedule] == [
        (1, 6_750, True),
        (4, 1_687, False),
        (5, 1_687, False),
        (6, 1_687, False),
        (7, 1_689, False),
    ]
    detail = plan_detail(db.unit_of_work(), "PP-2025-0034")
    assert [i.number for i in detail.summary.compliance.installments] == [1, 4, 5, 6, 7]
    assert detail.version == 2 and detail.modified_by == "mbrown"
    assert detail.summary.compliance.installments[0].days_late == 5  # paid on the 20th


def test_the_sample_plan_is_behind_and_does_not_protect_from_disconnection(db: Database) -> None:
    [plan] = plans_overview(db.unit_of_work())
    first = plan.compliance.installments[0]
    assert (first.state, first.days_late, first.missed) == (InstallmentState.OVERDUE, 5, True)
    assert plan.state is PlanState.BEHIND
    standing = disconnection_standing(db.unit_of_work(), ACCOUNT)
    assert standing.message == ""
    pay(db, "PP-2025-0034/1", "67.50", kind="Installment")
    standing = disconnection_standing(db.unit_of_work(), ACCOUNT)
    assert standing.message == "On a compliant payment plan (PP-2025-0034): do not disconnect."


def test_an_installment_whose_payment_was_voided_is_kept_by_a_modification(db: Database) -> None:
    paid = pay(db, "PP-2025-0034/1", "67.50", kind="Installment")
    void_payment(db.unit_of_work(), receipt=paid.receipt_number, reason="wrong", username="mbrown")
    request = PlanRequest("202.50", "", 2, "Monthly", date(2025, 5, 1))
    saved = modify_plan(db.unit_of_work(), "PP-2025-0034", request, username="mbrown")
    # The voided payment's allocation still points at installment 1: it stays, unpaid.
    assert [(s.number, s.amount_minor, s.kept) for s in saved.schedule] == [
        (1, 6_750, True),
        (4, 6_750, False),
        (5, 6_750, False),
    ]
    detail = plan_detail(db.unit_of_work(), "PP-2025-0034")
    first = detail.summary.compliance.installments[0]
    assert (first.paid_minor, first.state) == (0, InstallmentState.OVERDUE)
