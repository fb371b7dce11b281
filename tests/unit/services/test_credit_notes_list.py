"""The Credit Notes tab on a fake unit of work: filters, remaining, status and history."""

import pytest

from app.domain.errors import UserFacingError
from app.services.credit_note_approvals import approve_credit_note
from app.services.credit_notes import apply_credit_note, create_credit_note
from app.services.credit_notes_list import (
    CreditNoteQuery,
    count_credit_notes,
    credit_note_details,
    find_credit_notes,
    list_credit_notes,
)
from app.services.record_payment import PaymentRequest, record_payment
from tests.support.counter import Counter


def note_on_bill(
    counter: Counter, amount: str, username: str = "manager", payment: str = "120.00"
) -> str:
    request = PaymentRequest("ACC-1001", "Bill", ("INV-2026-000001",), "Cash", payment)
    paid = record_payment(counter.uow, request)
    return create_credit_note(
        counter.uow,
        receipt=paid.receipt_number,
        amount=amount,
        reason="Billing Error",
        username=username,
    ).number


def test_a_partly_used_note_shows_what_is_left(open_counter: Counter) -> None:
    number = note_on_bill(open_counter, "20.00")
    apply_credit_note(open_counter.uow, number=number, to="Late Fee", amount="5.00")

    [row] = list_credit_notes(open_counter.uow, remaining="Partial")

    assert (row.number, row.amount_minor, row.applied_minor, row.remaining_minor) == (
        number,
        2_000,
        500,
        1_500,
    )
    assert (row.consumer_name, row.created_by, str(row.usage_percent)) == (
        "Jane Doe",
        "Maya Manager",
        "25.0",
    )
    assert list_credit_notes(open_counter.uow, remaining="Full") == []


def test_the_search_finds_a_note_by_receipt_or_consumer_name(open_counter: Counter) -> None:
    number = note_on_bill(open_counter, "20.00")

    assert [r.number for r in list_credit_notes(open_counter.uow, search="jane")] == [number]
    assert [r.number for r in list_credit_notes(open_counter.uow, search="R-T01-0001")] == [number]
    assert list_credit_notes(open_counter.uow, search="John") == []


def test_notes_waiting_for_approval_are_filtered_and_counted(open_counter: Counter) -> None:
    note_on_bill(open_counter, "10.00", payment="10.00")
    waiting = note_on_bill(open_counter, "110.00", username="cashier", payment="110.00")

    query = CreditNoteQuery(status="Pending Approval")
    assert [r.number for r in find_credit_notes(open_counter.uow, query)] == [waiting]
    assert count_credit_notes(open_counter.uow, CreditNoteQuery()) == 2
    assert count_credit_notes(open_counter.uow, CreditNoteQuery(amount_min="100")) == 1


def test_the_details_show_each_use_and_who_approved(open_counter: Counter) -> None:
    number = note_on_bill(open_counter, "110.00", username="cashier")
    approve_credit_note(open_counter.uow, number, username="manager")
    apply_credit_note(open_counter.uow, number=number, to="Late Fee", amount="25.00")

    details = credit_note_details(open_counter.uow, number)

    assert details.note.status == "Active"
    assert [(a.applied_to, a.amount_minor) for a in details.applications] == [
        ("SC-2026-000001", 2_500)
    ]
    assert details.decision is not None
    assert (details.decision.outcome, details.decision.decided_by) == ("Approved", "Maya Manager")


def test_a_search_too_long_or_a_reversed_range_is_refused(open_counter: Counter) -> None:
    with pytest.raises(UserFacingError, match="at most 100 characters"):
        list_credit_notes(open_counter.uow, search="x" * 101)
    with pytest.raises(UserFacingError):
        list_credit_notes(open_counter.uow, amount_min="50", amount_max="10")
