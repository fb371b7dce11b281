"""The payment date on a real counter file: never ahead, and far back only with a
supervisor's approval, which is audited."""

import json
from datetime import date

import pytest
from sqlalchemy import select

from app.db.tables import AuditEvent
from app.domain.errors import PermissionDenied, UserFacingError
from app.services.payment_details import payment_details
from app.services.supervisor_approval import SupervisorApprovalRequired
from tests.support.recording import footprint, pay


# -- the payment date: never ahead, and far back only with a supervisor ----------------------
def test_a_payment_dated_a_few_days_back_needs_no_approval(db) -> None:
    paid = pay(db, paid_on=date(2025, 4, 17))  # the sample day is 20 Apr 2025; 3 days allowed

    details = payment_details(db.read(), paid.receipt_number)
    assert details.payment_date == date(2025, 4, 17)


def test_a_payment_dated_further_back_asks_for_a_supervisor_and_writes_nothing(db) -> None:
    before = footprint(db)

    with pytest.raises(SupervisorApprovalRequired) as asked:
        pay(db, paid_on=date(2025, 4, 1))

    assert asked.value.reasons == (
        "The payment date 2025-04-01 is 19 days back; more than 3 days needs a supervisor's "
        "approval.",
    )
    assert footprint(db) == before


def test_a_cashier_cannot_approve_their_own_back_dated_payment(db) -> None:
    with pytest.raises(PermissionDenied, match="a supervisor must approve"):
        pay(db, paid_on=date(2025, 4, 1), approver="jsmith", approver_pin="1234")


def test_a_supervisor_approves_a_back_dated_payment_and_the_approval_is_audited(db) -> None:
    paid = pay(db, paid_on=date(2025, 4, 1), approver="mbrown", approver_pin="2345")

    assert payment_details(db.read(), paid.receipt_number).payment_date == date(2025, 4, 1)
    with db.read() as uow:
        approvals = uow.session.scalars(
            select(AuditEvent.after_json).where(AuditEvent.action == "payment.backdating_approved")
        ).all()
    assert [json.loads(a or "{}")["approved_by"] for a in approvals] == ["mbrown"]


def test_a_wrong_supervisor_pin_is_refused(db) -> None:
    with pytest.raises(UserFacingError):
        pay(db, paid_on=date(2025, 4, 1), approver="mbrown", approver_pin="9999")
