"""Credit notes on a fake unit of work: made from a payment, waiting for approval, applied."""

import pytest

from app.domain.errors import UserFacingError
from app.services.credit_notes import apply_credit_note, create_credit_note
from app.services.record_payment import PaymentRequest, RecordedPayment, record_payment
from tests.support.counter import Counter


def pay_bill(counter: Counter) -> RecordedPayment:
    request = PaymentRequest("ACC-1001", "Bill", ("INV-2026-000001",), "Cash", "120.00")
    return record_payment(counter.uow, request)


def test_a_small_credit_note_is_active_at_once(open_counter: Counter) -> None:
    paid = pay_bill(open_counter)

    note = create_credit_note(
        open_counter.uow,
        receipt=paid.receipt_number,
        amount="20.00",
        reason="Billing Error",
        username="cashier",
    )

    assert (note.amount_minor, note.status) == (2_000, "Active")
    assert "credit_note" in [o.entity for o in open_counter.store.outbox]


def test_no_more_credit_than_the_payment_is_given(open_counter: Counter) -> None:
    paid = pay_bill(open_counter)
    create_credit_note(
        open_counter.uow, receipt=paid.receipt_number, amount="100.00", reason="Billing Error"
    )

    with pytest.raises(UserFacingError, match=r"\$20\.00"):
        create_credit_note(
            open_counter.uow, receipt=paid.receipt_number, amount="20.01", reason="Billing Error"
        )

    assert [n.amount_minor for n in open_counter.store.credit_notes] == [10_000]


def test_a_cashiers_credit_note_over_100_waits_for_approval(open_counter: Counter) -> None:
    paid = pay_bill(open_counter)

    note = create_credit_note(
        open_counter.uow,
        receipt=paid.receipt_number,
        amount="100.01",
        reason="Billing Error",
        username="cashier",
    )

    assert note.status == "Pending Approval"
    with pytest.raises(UserFacingError, match="waiting for a billing manager's approval"):
        apply_credit_note(open_counter.uow, number=note.number, to="Late Fee", amount="1.00")


def test_a_managers_credit_note_over_100_is_active_at_once(open_counter: Counter) -> None:
    paid = pay_bill(open_counter)

    note = create_credit_note(
        open_counter.uow,
        receipt=paid.receipt_number,
        amount="100.01",
        reason="Billing Error",
        username="manager",
    )

    assert note.status == "Active"


def test_credit_applied_to_a_service_settles_it(open_counter: Counter) -> None:
    paid = pay_bill(open_counter)
    note = create_credit_note(
        open_counter.uow, receipt=paid.receipt_number, amount="30.00", reason="Billing Error"
    )

    applied = apply_credit_note(open_counter.uow, number=note.number, to="Late Fee", amount="25.00")

    assert (applied.applied_to, applied.remaining_minor) == ("SC-2026-000001", 500)
    assert open_counter.outstanding(open_counter.service) == 0


def test_credit_is_not_applied_beyond_what_the_item_owes(open_counter: Counter) -> None:
    paid = pay_bill(open_counter)
    note = create_credit_note(
        open_counter.uow, receipt=paid.receipt_number, amount="30.00", reason="Billing Error"
    )

    with pytest.raises(UserFacingError, match=r"SC-2026-000001 has only \$25\.00 outstanding"):
        apply_credit_note(open_counter.uow, number=note.number, to="Late Fee", amount="30.00")

    assert open_counter.store.applications == []
