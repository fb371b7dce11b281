"""void_payment on a fake unit of work: a supervisor's same-day correction."""

from datetime import timedelta

import pytest

from app.domain.errors import PermissionDenied, UserFacingError
from app.domain.payments import void_reason_problem
from app.services.credit_notes import apply_credit_note
from app.services.payment_details import payment_details
from app.services.record_payment import PaymentRequest, RecordedPayment, record_payment
from app.services.void_payment import void_payment
from tests.support.counter import Counter


def pay_bill(counter: Counter, amount: str) -> RecordedPayment:
    request = PaymentRequest("ACC-1001", "Bill", ("INV-2026-000001",), "Cash", amount)
    return record_payment(counter.uow, request)


def void(counter: Counter, receipt: str, reason: str = "Wrong account") -> object:
    return void_payment(counter.uow, receipt=receipt, reason=reason, username="manager")


def test_a_voided_payment_puts_the_bill_back_to_owing(open_counter: Counter) -> None:
    paid = pay_bill(open_counter, "120.00")

    voided = void(open_counter, paid.receipt_number)

    assert voided.status == "Voided"
    assert open_counter.outstanding(open_counter.bill) == 12_000
    payment = open_counter.store.payments[0]
    assert (payment.status, payment.void_reason) == ("Voided", "Wrong account")
    assert payment.amount_minor == 12_000  # money already posted never changes
    assert [o.entity for o in open_counter.store.outbox][-1] == "payment_void"


def test_a_payment_is_found_by_its_payment_number_too(open_counter: Counter) -> None:
    paid = pay_bill(open_counter, "120.00")

    assert void(open_counter, paid.payment_number.lower()).status == "Voided"


def test_voiding_cancels_the_overpayment_credit_note(open_counter: Counter) -> None:
    paid = pay_bill(open_counter, "170.00")
    assert paid.credit_note is not None

    voided = void(open_counter, paid.receipt_number)

    assert voided.cancelled_credit_notes == (paid.credit_note.number,)
    assert [n.status for n in open_counter.store.credit_notes] == ["Cancelled"]


def test_a_payment_whose_credit_was_used_cannot_be_voided(open_counter: Counter) -> None:
    paid = pay_bill(open_counter, "170.00")
    assert paid.credit_note is not None
    apply_credit_note(
        open_counter.uow, number=paid.credit_note.number, to="Late Fee", amount="10.00"
    )

    with pytest.raises(UserFacingError, match="has already been applied"):
        void(open_counter, paid.receipt_number)

    assert open_counter.store.payments[0].status == "Posted"
    assert open_counter.outstanding(open_counter.bill) == 0


def test_a_cashier_may_not_void(open_counter: Counter) -> None:
    paid = pay_bill(open_counter, "120.00")

    with pytest.raises(PermissionDenied, match="A cashier may not void payments"):
        void_payment(open_counter.uow, receipt=paid.receipt_number, reason="x", username="cashier")


def test_a_void_needs_a_reason(open_counter: Counter) -> None:
    paid = pay_bill(open_counter, "120.00")

    with pytest.raises(UserFacingError, match="Give the reason"):
        void(open_counter, paid.receipt_number, reason="  ")


def test_yesterdays_payment_is_corrected_by_a_credit_note_instead(open_counter: Counter) -> None:
    paid = pay_bill(open_counter, "120.00")
    open_counter.uow.clock += timedelta(days=1)

    with pytest.raises(UserFacingError, match="Issue a credit note instead"):
        void(open_counter, paid.receipt_number)

    assert open_counter.outstanding(open_counter.bill) == 0


def test_a_payment_cannot_be_voided_twice(open_counter: Counter) -> None:
    paid = pay_bill(open_counter, "120.00")
    void(open_counter, paid.receipt_number)

    with pytest.raises(UserFacingError, match="is voided: only posted payments"):
        void(open_counter, paid.receipt_number)

    assert open_counter.outstanding(open_counter.bill) == 12_000


def test_a_too_long_reason_is_refused_in_the_words_the_dialog_shows(
    open_counter: Counter,
) -> None:
    paid = pay_bill(open_counter, "120.00")

    with pytest.raises(UserFacingError) as refused:
        void(open_counter, paid.receipt_number, reason="x" * 501)

    assert refused.value.message == void_reason_problem("x" * 501)
    assert refused.value.message == ("The reason can be at most 500 characters (this one has 501).")
    assert open_counter.store.payments[0].status == "Posted"


def test_payment_details_say_whether_the_payment_can_still_be_voided(
    open_counter: Counter,
) -> None:
    paid = pay_bill(open_counter, "120.00")
    assert payment_details(open_counter.uow, paid.receipt_number).void_refusal is None

    open_counter.uow.clock += timedelta(days=1)

    refusal = payment_details(open_counter.uow, paid.receipt_number).void_refusal
    assert refusal is not None and "only same-day payments can be voided" in refusal
