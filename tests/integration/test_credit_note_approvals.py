"""Credit notes above the approval amount wait for a billing manager, on a real SQLite file."""

import json

import pytest
from sqlalchemy import select

from app.db.database import Database
from app.db.tables import AuditEvent, OutboxRecord
from app.domain.errors import PermissionDenied, UserFacingError
from app.services.consumers import consumer_account
from app.services.credit_note_approvals import (
    approve_credit_note,
    pending_approvals,
    reject_credit_note,
)
from app.services.credit_notes import apply_credit_note, create_credit_note, credit_note_draft
from app.services.credit_notes_list import credit_note_details
from app.services.numbering_preview import next_number_preview
from app.services.record_payment import PaymentRequest, record_payment


def pay(db: Database, item: str, amount: str, method: str = "Credit Card") -> str:
    kind = {"INV": "Bill", "SC-": "Service"}[item[:3]]
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type=kind,
        items=(item,),
        method=method,
        amount=amount,
        username="jsmith",
    )
    return record_payment(db.unit_of_work(), request).receipt_number


def credit(db: Database, receipt: str, amount: str, user: str = "jsmith") -> str:
    note = create_credit_note(
        db.unit_of_work(), receipt=receipt, amount=amount, reason="Billing Error", username=user
    )
    return note.number


def status(db: Database, number: str) -> str:
    return credit_note_details(db.read(), number).note.status


def test_a_cashiers_note_above_the_approval_amount_waits_for_a_billing_manager(db) -> None:
    receipt = pay(db, "INV-2025-001234", "145.50")
    note = create_credit_note(
        db.unit_of_work(), receipt=receipt, amount="100.01", reason="Other", username="jsmith"
    )
    assert note.status == "Pending Approval"
    assert status(db, note.number) == "Pending Approval"
    assert [r.number for r in pending_approvals(db.read())] == [note.number]
    assert consumer_account(db.read(), "WU-10001").credit_available_minor == 0
    with pytest.raises(UserFacingError, match="waiting for a billing manager's approval"):
        apply_credit_note(db.unit_of_work(), number=note.number, to="INV-2025-001567", amount="1")


def test_a_note_of_exactly_the_approval_amount_is_active_at_once(db) -> None:
    receipt = pay(db, "INV-2025-001234", "145.50")
    assert status(db, credit(db, receipt, "100.00")) == "Active"
    assert pending_approvals(db.read()) == []


def test_a_billing_managers_own_note_above_the_amount_is_active_at_once(db) -> None:
    receipt = pay(db, "INV-2025-001234", "145.50")
    assert status(db, credit(db, receipt, "145.50", user="mbrown")) == "Active"


def test_an_overpayment_kept_as_credit_never_waits_whatever_its_size(db) -> None:
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type="Bill",
        items=("INV-2025-001234",),
        method="Credit Card",
        amount="300.00",
        username="jsmith",
    )
    recorded = record_payment(db.unit_of_work(), request)
    assert recorded.credit_note is not None
    assert (recorded.credit_note.amount_minor, recorded.credit_note.status) == (15450, "Active")
    assert status(db, recorded.credit_note.number) == "Active"


def test_approval_makes_the_credit_usable_and_is_audited_and_sent(db) -> None:
    receipt = pay(db, "INV-2025-001234", "145.50")
    number = credit(db, receipt, "120.00")
    decided = approve_credit_note(db.unit_of_work(), number, username="mbrown")
    assert (decided.status, decided.decided_by) == ("Active", "Michael Brown")
    assert pending_approvals(db.read()) == []
    assert consumer_account(db.read(), "WU-10001").credit_available_minor == 12000
    applied = apply_credit_note(
        db.unit_of_work(), number=number, to="INV-2025-001567", amount="20.00", username="jsmith"
    )
    assert (applied.remaining_minor, applied.status) == (10000, "Active")
    decision = credit_note_details(db.read(), number).decision
    assert decision is not None
    assert (decision.outcome, decision.decided_by, decision.reason) == (
        "Approved",
        "Michael Brown",
        None,
    )
    with db.read() as uow:
        actions = uow.session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == "credit_note")
        ).all()
        sent = uow.session.scalars(
            select(OutboxRecord.payload_json).where(OutboxRecord.entity == "credit_note_decision")
        ).all()
    assert "credit_note.approved" in actions
    assert [json.loads(p)["decision"] for p in sent] == ["approved"]


def test_rejection_needs_a_reason_and_frees_the_amount_on_the_payment(db) -> None:
    receipt = pay(db, "INV-2025-001234", "145.50")
    number = credit(db, receipt, "120.00")
    assert credit_note_draft(db.read(), receipt, "jsmith").maximum_minor == 2550
    with pytest.raises(UserFacingError, match="Give the reason for rejecting"):
        reject_credit_note(db.unit_of_work(), number, "  ", username="mbrown")
    decided = reject_credit_note(db.unit_of_work(), number, "Not a billing error", "mbrown")
    assert decided.status == "Rejected"
    assert status(db, number) == "Rejected"
    assert credit_note_draft(db.read(), receipt, "jsmith").maximum_minor == 14550
    decision = credit_note_details(db.read(), number).decision
    assert decision is not None and (decision.outcome, decision.reason) == (
        "Rejected",
        "Not a billing error",
    )
    with pytest.raises(UserFacingError, match="is rejected: it cannot be applied"):
        apply_credit_note(db.unit_of_work(), number=number, to="INV-2025-001567", amount="1")


def test_a_cashier_may_not_approve(db) -> None:
    receipt = pay(db, "INV-2025-001234", "145.50")
    number = credit(db, receipt, "120.00")
    with pytest.raises(PermissionDenied, match="A cashier may not approve or reject credit notes"):
        approve_credit_note(db.unit_of_work(), number, username="jsmith")
    assert status(db, number) == "Pending Approval"


def test_only_a_waiting_note_can_be_decided(db) -> None:
    receipt = pay(db, "INV-2025-001234", "145.50")
    number = credit(db, receipt, "120.00")
    approve_credit_note(db.unit_of_work(), number, username="mbrown")
    with pytest.raises(UserFacingError, match="only a note waiting for approval"):
        approve_credit_note(db.unit_of_work(), number, username="admin")
    with pytest.raises(UserFacingError, match="only a note waiting for approval"):
        reject_credit_note(db.unit_of_work(), number, "Too late", username="admin")


def test_waiting_notes_are_listed_oldest_first(db, clock) -> None:
    first = credit(db, pay(db, "INV-2025-001234", "145.50"), "120.00")
    clock.advance(minutes=5)
    second = credit(db, pay(db, "INV-2025-001567", "152.25"), "150.00")
    assert [r.number for r in pending_approvals(db.read())] == [first, second]


def test_the_draft_shows_the_payment_the_maximum_and_the_next_number(db) -> None:
    receipt = pay(db, "INV-2025-001234", "145.50")
    credit(db, receipt, "45.50")
    draft = credit_note_draft(db.read(), receipt, "jsmith")
    assert (draft.consumer_name, draft.account_number, draft.receipt_number) == (
        "John Doe",
        "WU-10001",
        receipt,
    )
    assert (draft.payment_amount_minor, draft.method, str(draft.payment_date)) == (
        14550,
        "Credit Card",
        "2025-04-20",
    )
    assert (draft.already_credited_minor, draft.maximum_minor) == (4550, 10000)
    assert draft.next_number == "CN-T01-00002"
    assert draft.approval_minor == 10000
    assert credit_note_draft(db.read(), receipt, "mbrown").approval_minor is None


def test_the_next_number_preview_does_not_use_up_the_number(db) -> None:
    receipt = pay(db, "INV-2025-001234", "145.50")
    assert next_number_preview(db.read(), "credit_note") == "CN-T01-00001"
    assert next_number_preview(db.read(), "credit_note") == "CN-T01-00001"
    assert credit(db, receipt, "10.00") == "CN-T01-00001"
    assert next_number_preview(db.read(), "credit_note") == "CN-T01-00002"
    assert next_number_preview(db.read(), "receipt") == "R-T01-0002"
    assert next_number_preview(db.read(), "credit_note", "CRN-{YY}-{TERM}-{SEQ:3}") == (
        "CRN-25-T01-001"
    )
    with pytest.raises(UserFacingError, match="Unknown number series"):
        next_number_preview(db.read(), "invoice")
