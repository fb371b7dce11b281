"""A supervisor verifies an online payment: once, audited and queued, refused otherwise."""

import json

import pytest
from sqlalchemy import func, select

from app.db.database import Database
from app.db.tables import AuditEvent, OutboxRecord
from app.domain.errors import NotFound, PermissionDenied, UserFacingError
from app.services.payment_details import payment_details
from app.services.record_payment import PaymentRequest, record_payment
from app.services.verify_payment import verify_payment
from tests.support.payments import add_online_payment


def online_payment(db: Database, *, status: str = "Posted", verification: str = "Pending") -> str:
    """A gateway payment as sync will bring it: no cashier, settlement still in progress."""
    return add_online_payment(db, amount=14_550, status=status, verification=verification)


def count(db: Database, model: type, *where: object) -> int:
    with db.read() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_a_supervisor_marks_a_pending_online_payment_verified(db) -> None:
    receipt = online_payment(db)
    assert payment_details(db.read(), receipt).verification == "Pending"

    verified = verify_payment(db.unit_of_work(), receipt=receipt, username="mbrown")

    assert verified.receipt_number == receipt
    assert verified.verification == "Verified"
    assert verified.changes == frozenset({"payments"})
    details = payment_details(db.read(), receipt)
    assert details.verification == "Verified"
    assert details.status == "Posted"
    assert details.received_by == "System"


def test_the_verification_is_audited_and_queued_for_the_server(db) -> None:
    receipt = online_payment(db)
    verify_payment(db.unit_of_work(), receipt=receipt, username="mbrown")
    with db.read() as uow:
        before, after = uow.session.execute(
            select(AuditEvent.before_json, AuditEvent.after_json).where(
                AuditEvent.action == "payment.verified"
            )
        ).one()
        queued = uow.session.scalar(
            select(OutboxRecord.payload_json).where(OutboxRecord.entity == "payment_verification")
        )
    assert json.loads(before) == {"verification": "Pending"}
    assert json.loads(after)["verification"] == "Verified"
    assert json.loads(queued)["verification"] == "Verified"


def test_an_admin_may_verify_too(db) -> None:
    receipt = online_payment(db)
    assert verify_payment(db.unit_of_work(), receipt=receipt, username=None).verification == (
        "Verified"
    )


def test_verifying_twice_is_refused(db) -> None:
    receipt = online_payment(db)
    verify_payment(db.unit_of_work(), receipt=receipt, username="mbrown")
    with pytest.raises(UserFacingError) as refused:
        verify_payment(db.unit_of_work(), receipt=receipt, username="mbrown")
    assert refused.value.message == f"Receipt {receipt} is already verified."
    assert count(db, AuditEvent, AuditEvent.action == "payment.verified") == 1


def test_a_counter_payment_is_verified_when_recorded(db) -> None:
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type="Bill",
        items=("INV-2025-001234",),
        method="Cash",
        amount="145.50",
        username="jsmith",
    )
    receipt = record_payment(db.unit_of_work(), request).receipt_number
    with pytest.raises(UserFacingError, match="is already verified"):
        verify_payment(db.unit_of_work(), receipt=receipt, username="mbrown")


def test_a_cashier_may_not_verify_and_nothing_is_written(db) -> None:
    receipt = online_payment(db)
    events = count(db, AuditEvent)
    with pytest.raises(PermissionDenied) as refused:
        verify_payment(db.unit_of_work(), receipt=receipt, username="jsmith")
    assert refused.value.message == "A cashier may not verify online payments."
    assert payment_details(db.read(), receipt).verification == "Pending"
    assert count(db, AuditEvent) == events
    assert count(db, OutboxRecord, OutboxRecord.entity == "payment_verification") == 0


def test_an_unknown_receipt_is_refused(db) -> None:
    with pytest.raises(NotFound) as refused:
        verify_payment(db.unit_of_work(), receipt="R-9999", username="mbrown")
    assert refused.value.message == "No payment with receipt or payment number 'R-9999'."


def test_a_failed_online_payment_cannot_be_verified(db) -> None:
    receipt = online_payment(db, status="Failed")
    with pytest.raises(UserFacingError, match="is failed: only posted or pending payments"):
        verify_payment(db.unit_of_work(), receipt=receipt, username="mbrown")
    assert payment_details(db.read(), receipt).verification == "Pending"
