"""A billing manager's decision on a waiting credit note, on a fake unit of work."""

import pytest

from app.domain.errors import PermissionDenied, UserFacingError
from app.services.credit_note_approvals import approve_credit_note, reject_credit_note
from app.services.credit_notes import IssuedCreditNote, create_credit_note
from app.services.record_payment import PaymentRequest, record_payment
from tests.support.counter import Counter


def waiting_note(counter: Counter) -> IssuedCreditNote:
    request = PaymentRequest("ACC-1001", "Bill", ("INV-2026-000001",), "Cash", "120.00")
    paid = record_payment(counter.uow, request)
    return create_credit_note(
        counter.uow,
        receipt=paid.receipt_number,
        amount="110.00",
        reason="Billing Error",
        username="cashier",
    )


def test_an_approved_note_becomes_credit_the_consumer_can_use(open_counter: Counter) -> None:
    note = waiting_note(open_counter)

    decided = approve_credit_note(open_counter.uow, note.number, username="manager")

    assert (decided.status, decided.decided_by) == ("Active", "Maya Manager")
    assert (
        open_counter.uow.consumers.credit_available(
            open_counter.consumer.id, open_counter.uow.today()
        )
        == 11_000
    )


def test_a_rejected_note_frees_the_payment_for_another(open_counter: Counter) -> None:
    note = waiting_note(open_counter)

    decided = reject_credit_note(open_counter.uow, note.number, "Not our error", username="manager")

    assert decided.status == "Rejected"
    assert open_counter.uow.credit_notes.credited_on_payment(open_counter.store.payments[0].id) == 0


def test_a_cashier_cannot_approve(open_counter: Counter) -> None:
    note = waiting_note(open_counter)

    with pytest.raises(PermissionDenied):
        approve_credit_note(open_counter.uow, note.number, username="cashier")

    assert open_counter.store.credit_notes[0].status == "Pending Approval"


def test_a_note_is_decided_once(open_counter: Counter) -> None:
    note = waiting_note(open_counter)
    approve_credit_note(open_counter.uow, note.number, username="manager")

    with pytest.raises(UserFacingError, match="is active: only a note waiting"):
        reject_credit_note(open_counter.uow, note.number, "Too late", username="manager")
