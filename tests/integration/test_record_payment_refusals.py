"""Recording payments on a real counter file: each refusal says why and writes nothing."""

from datetime import date

import pytest
from sqlalchemy import func, select, update

from app.db.tables import Consumer, CreditNote, Payment, PaymentAllocation, User
from app.domain.errors import NotFound, PermissionDenied, UserFacingError
from tests.support.recording import ACCOUNT, APRIL_BILL, MARCH_BILL, footprint, outstanding, pay

# -- refusals: each one says why, and writes nothing -------------------------------------------
LONG_NOTES = "n" * 251

REFUSALS = [
    pytest.param(
        {"amount": "1200.00"},
        "Amount $1,200.00 is more than the account's outstanding balance $600.25 plus the "
        "allowed overpayment of $500.00 (at most $1,100.25).",
        id="above-balance-plus-threshold",
    ),
    pytest.param(
        {"tendered": "100.00"},
        "Amount received $100.00 is less than the amount paid $145.50.",
        id="tendered-less-than-amount",
    ),
    pytest.param(
        {"method": "Credit Card", "tendered": "150.00"},
        "Amount received and change apply to cash payments only.",
        id="tendered-for-card",
    ),
    pytest.param(
        {"notes": LONG_NOTES},
        "Notes can be at most 250 characters (these are 251).",
        id="notes-too-long",
    ),
    pytest.param(
        {"paid_on": date(2025, 4, 21)},
        "The payment date cannot be in the future.",
        id="future-date",
    ),
    pytest.param(
        {"method": "Bitcoin"},
        "Unknown payment method 'Bitcoin'. Choose one of: Cash, Credit Card, Debit Card, "
        "Cheque, Bank Transfer, Mobile Wallet.",
        id="unknown-method",
    ),
    pytest.param(
        {"channel": "Pigeon"},
        "Unknown channel 'Pigeon'. Choose one of: Walk-in, Phone, Drop Box, Field Collection, "
        "Mail.",
        id="unknown-channel",
    ),
    pytest.param(
        {"items": ("Late Fee",)},
        "Late Fee is a service charge, not a bill: choose the matching payment type.",
        id="service-paid-as-bill",
    ),
    pytest.param(
        {"payment_type": "Service", "items": (MARCH_BILL,)},
        f"{MARCH_BILL} is a bill, not a service charge: choose the matching payment type.",
        id="bill-paid-as-service",
    ),
    pytest.param(
        {"items": ("INV-2099-000001",)},
        f"Account {ACCOUNT} has no bill 'INV-2099-000001'.",
        id="unknown-bill",
    ),
    pytest.param(
        {"items": ()},
        "Select at least one unpaid bill to pay.",
        id="no-items",
    ),
    pytest.param(
        {"items": (MARCH_BILL, MARCH_BILL.lower())},
        "The same item is selected twice.",
        id="same-item-twice",
    ),
    pytest.param({"amount": "0"}, "Amount must be greater than zero.", id="zero"),
    pytest.param({"amount": "-5.00"}, "Amount must be greater than zero.", id="negative"),
    pytest.param({"amount": "abc"}, "Amount must be a number, not 'abc'.", id="not-a-number"),
    pytest.param(
        {"amount": "145.505"}, "Amount can have at most 2 decimal places.", id="three-decimals"
    ),
    pytest.param({"amount": ""}, "Amount is required.", id="no-amount"),
    pytest.param(
        {"payment_type": "Donation"},
        "Unknown payment type 'Donation'. Choose Bill, Service or Installment.",
        id="unknown-type",
    ),
    pytest.param(
        {"account_number": "WU-99999"},
        "No consumer with account number 'WU-99999'.",
        id="unknown-account",
    ),
    pytest.param({"username": "nobody"}, "No user named 'nobody'.", id="unknown-user"),
]


@pytest.mark.parametrize(("changes", "message"), REFUSALS)
def test_a_refused_payment_says_why_and_writes_nothing(db, changes, message) -> None:
    before = footprint(db)

    with pytest.raises(UserFacingError) as refused:
        pay(db, **changes)

    assert refused.value.message == message
    assert footprint(db) == before


def test_a_refused_payment_uses_up_no_receipt_number(db) -> None:
    with pytest.raises(UserFacingError):
        pay(db, amount="1200.00")
    assert pay(db).receipt_number == "R-T01-0001"


def test_an_item_already_paid_is_refused(db) -> None:
    pay(db)
    before = footprint(db)

    with pytest.raises(UserFacingError) as refused:
        pay(db, amount="10.00")

    assert refused.value.message == f"{MARCH_BILL} is already paid in full."
    assert footprint(db) == before
    assert pay(db, items=(APRIL_BILL,), amount="10.00").receipt_number == "R-T01-0002"


def test_a_disabled_user_cannot_record_payments(db) -> None:
    with db.unit_of_work() as uow:
        uow.session.execute(update(User).where(User.username == "jsmith").values(active=False))
        uow.commit()
    before = footprint(db)

    with pytest.raises(PermissionDenied) as refused:
        pay(db)

    assert refused.value.message == "User 'jsmith' is disabled."
    assert footprint(db) == before


@pytest.mark.parametrize("status", ["Disconnected", "Inactive"])
def test_a_disconnected_or_inactive_account_pays_its_reconnection_fee(db, status: str) -> None:
    with db.unit_of_work() as uow:
        uow.session.execute(
            update(Consumer).where(Consumer.account_number == ACCOUNT).values(status=status)
        )
        uow.commit()

    paid = pay(db, payment_type="Service", items=("Reconnection Fee",), amount="75.00")

    assert (paid.amount_minor, paid.status) == (7500, "Posted")
    assert outstanding(db, "SC-2025-000101") == 0


def test_the_amount_may_reach_the_accounts_balance_beyond_the_chosen_items(db) -> None:
    """$600 on the $25 Late Fee: the account owes $600.25, so it is taken; what the fee does
    not take is kept as credit."""
    paid = pay(db, payment_type="Service", items=("Late Fee",), amount="600.00")

    assert (paid.amount_minor, paid.credit_note.amount_minor) == (60000, 57500)


def test_an_unknown_account_is_reported_as_not_found(db) -> None:
    with pytest.raises(NotFound):
        pay(db, account_number="WU-99999")


def test_an_absurd_amount_received_is_refused_with_a_message(db) -> None:
    with pytest.raises(UserFacingError):
        pay(db, amount="1.00", tendered="100000000000000000")


def test_nothing_is_half_written_when_a_payment_makes_a_credit_note(db) -> None:
    pay(db, amount="150.00")
    with db.read() as uow:
        payments = uow.session.scalar(select(func.count()).select_from(Payment))
        allocations = uow.session.scalar(select(func.sum(PaymentAllocation.amount_minor)))
        credit = uow.session.scalar(select(func.sum(CreditNote.amount_minor)))
    assert (payments, allocations, credit) == (1, 14550, 450)
