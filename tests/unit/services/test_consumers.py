"""Consumer look-up on a fake unit of work: account, balance, credit, what a scanner types."""

import pytest

from app.domain.errors import NotFound
from app.domain.payments import PaymentType
from app.services.consumers import consumer_account, search_consumers, unpaid_items
from app.services.consumers_lookup import find_consumer_by_reference
from app.services.record_payment import PaymentRequest, record_payment
from tests.support.counter import Counter


def test_the_account_shows_everything_still_owed(counter: Counter) -> None:
    account = consumer_account(counter.uow, " ACC-1001 ")

    assert account.name == "Jane Doe"
    assert account.balance_minor == 19_500
    assert [u.reference for u in account.unpaid] == [
        "INV-2026-000001",
        "PP-2026-0001/1",
        "SC-2026-000001",
    ]
    assert not account.provisional


def test_a_payment_not_yet_sent_makes_the_balance_provisional(open_counter: Counter) -> None:
    request = PaymentRequest("ACC-1001", "Bill", ("INV-2026-000001",), "Cash", "170.00")
    record_payment(open_counter.uow, request)

    account = consumer_account(open_counter.uow, "ACC-1001")

    assert account.balance_minor == 7_500
    assert account.credit_available_minor == 5_000  # the overpayment kept as credit
    assert account.provisional


def test_an_unknown_account_is_not_found(counter: Counter) -> None:
    with pytest.raises(NotFound, match="ACC-0000"):
        consumer_account(counter.uow, "ACC-0000")


def test_unpaid_items_of_one_kind(counter: Counter) -> None:
    items = unpaid_items(counter.uow, counter.consumer.id, PaymentType.SERVICE)

    assert [(i.description, i.outstanding_minor) for i in items] == [("Late Fee", 2_500)]


def test_a_search_finds_the_consumer_by_name(counter: Counter) -> None:
    assert [h.account_number for h in search_consumers(counter.uow, "jane")] == ["ACC-1001"]
    assert search_consumers(counter.uow, "   ") == []


def test_a_scanned_invoice_number_opens_its_bill(counter: Counter) -> None:
    match = find_consumer_by_reference(counter.uow, "inv-2026-000001")

    assert match is not None
    assert (match.account_number, match.payment_type) == ("ACC-1001", PaymentType.BILL)
    assert match.item_reference == "INV-2026-000001"


def test_a_scanned_plan_installment_opens_that_installment(counter: Counter) -> None:
    match = find_consumer_by_reference(counter.uow, "PP-2026-0001/1")

    assert match is not None
    assert (match.payment_type, match.item_reference) == (
        PaymentType.INSTALLMENT,
        "PP-2026-0001/1",
    )
    assert find_consumer_by_reference(counter.uow, "PP-2026-0001/x") is None


def test_a_scanned_account_number_opens_the_account(counter: Counter) -> None:
    match = find_consumer_by_reference(counter.uow, "ACC-1001")

    assert match is not None
    assert (match.account_number, match.payment_type) == ("ACC-1001", None)
    assert find_consumer_by_reference(counter.uow, "NOTHING-1") is None
