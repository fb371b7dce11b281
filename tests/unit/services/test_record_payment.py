"""record_payment on a fake unit of work: what the cashier sees and what is kept."""

import pytest

from app.domain.errors import NotFound, PermissionDenied, UserFacingError
from app.domain.payments import Analysis
from app.services.record_payment import PaymentRequest, record_payment
from tests.support.counter import Counter


def pay(counter: Counter, amount: str, **kw: object) -> object:
    request = {
        "account_number": "ACC-1001",
        "payment_type": "Bill",
        "items": ("INV-2026-000001",),
        "method": "Cash",
        "amount": amount,
        "username": "cashier",
        **kw,
    }
    return record_payment(counter.uow, PaymentRequest(**request))  # type: ignore[arg-type]


def test_a_cash_payment_gives_change_and_settles_the_bill(open_counter: Counter) -> None:
    paid = pay(open_counter, "120.00", tendered="150.00")

    assert (paid.amount_minor, paid.change_minor, paid.difference_minor) == (12_000, 3_000, 0)
    assert paid.analysis is Analysis.EXACT
    assert paid.status == "Posted"
    assert paid.receipt_number == "R-T01-0001"
    assert open_counter.outstanding(open_counter.bill) == 0
    assert open_counter.uow.committed


def test_each_payment_takes_the_next_receipt_number(open_counter: Counter) -> None:
    first = pay(open_counter, "20.00")
    second = pay(open_counter, "30.00")

    assert (first.receipt_number, second.receipt_number) == ("R-T01-0001", "R-T01-0002")
    assert open_counter.outstanding(open_counter.bill) == 7_000


def test_the_payment_is_audited_and_queued_for_the_server(open_counter: Counter) -> None:
    paid = pay(open_counter, "120.00")

    assert "payment.recorded" in open_counter.uow.actions()
    sent = [o for o in open_counter.store.outbox if o.entity == "payment"]
    assert [o.payload["amount_minor"] for o in sent] == [12_000]
    assert sent[0].payload["receipt_number"] == paid.receipt_number


def test_a_partial_payment_leaves_the_rest_outstanding(open_counter: Counter) -> None:
    paid = pay(open_counter, "50.00")

    assert paid.difference_minor == -7_000
    assert open_counter.outstanding(open_counter.bill) == 7_000


def test_an_overpayment_is_kept_as_an_active_credit_note(open_counter: Counter) -> None:
    # 170.00 on a 120.00 bill; the account owes 75.00 more elsewhere, under the threshold.
    paid = pay(open_counter, "170.00")

    assert paid.credit_note is not None
    assert paid.credit_note.amount_minor == 5_000
    assert paid.credit_note.status == "Active"
    assert paid.credit_note.number.startswith("CN-")
    assert [n.amount_minor for n in open_counter.store.credit_notes] == [5_000]


def test_no_payment_is_taken_without_an_open_shift(counter: Counter) -> None:
    with pytest.raises(UserFacingError, match="Open a shift before recording payments"):
        pay(counter, "120.00")

    assert counter.store.payments == [] and counter.store.outbox == []
    assert counter.outstanding(counter.bill) == 12_000


def test_payments_wait_while_the_clock_is_far_off_the_servers(open_counter: Counter) -> None:
    open_counter.store.clock_skew_seconds = 3 * 3600

    with pytest.raises(UserFacingError, match="behind the server's: payments are blocked"):
        pay(open_counter, "120.00")

    assert open_counter.store.payments == []


def test_an_unknown_account_is_refused(open_counter: Counter) -> None:
    with pytest.raises(NotFound, match="No consumer with account number 'ACC-9999'"):
        pay(open_counter, "10.00", account_number="ACC-9999")


def test_a_bill_paid_in_full_cannot_be_paid_again(open_counter: Counter) -> None:
    pay(open_counter, "120.00")

    with pytest.raises(UserFacingError, match="INV-2026-000001 is already paid in full"):
        pay(open_counter, "10.00")

    assert len(open_counter.store.payments) == 1


def test_a_service_reference_is_refused_as_a_bill(open_counter: Counter) -> None:
    with pytest.raises(UserFacingError, match="is a service charge, not a bill"):
        pay(open_counter, "25.00", items=("SC-2026-000001",))


def test_a_service_is_found_by_its_description(open_counter: Counter) -> None:
    paid = pay(open_counter, "25.00", payment_type="Service", items=("late fee",))

    assert paid.amount_minor == 2_500
    assert open_counter.outstanding(open_counter.service) == 0


def test_a_disabled_cashier_records_nothing(open_counter: Counter) -> None:
    open_counter.uow.users.by_username("cashier").active = False  # type: ignore[union-attr]

    with pytest.raises(PermissionDenied, match="disabled"):
        pay(open_counter, "120.00")

    assert open_counter.store.payments == []
