"""How a payment settles the chosen items: oldest due first, credit for extra, change for cash."""

from datetime import date
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import UserFacingError
from app.domain.payments import (
    Allocation,
    Analysis,
    Due,
    PaymentStatus,
    PaymentType,
    check_notes,
    check_payment_date,
    settle,
    void_refusal,
)

SAMPLE_DAY = date(2025, 4, 20)
MARCH = UUID(int=1)
APRIL = UUID(int=2)


def march_bill(outstanding: int = 14550) -> Due:
    return Due(MARCH, "INV-2025-001234", outstanding, date(2025, 4, 15), date(2025, 3, 31))


def april_bill(outstanding: int = 15225) -> Due:
    return Due(APRIL, "INV-2025-001567", outstanding, date(2025, 5, 15), date(2025, 4, 30))


def pay(
    amount: int,
    dues: list[Due],
    *,
    tendered: int | None = None,
    is_cash: bool = True,
    threshold: int = 50_000,
    paid_on: date = SAMPLE_DAY,
):
    return settle(
        amount_minor=amount,
        tendered_minor=tendered,
        is_cash=is_cash,
        dues=dues,
        paid_on=paid_on,
        overpayment_threshold_minor=threshold,
        currency="USD",
        locale="en_US",
    )


def test_an_exact_payment_settles_the_bill_with_nothing_left_over() -> None:
    settled = pay(14550, [march_bill()])
    assert settled.analysis is Analysis.EXACT
    assert settled.difference_minor == 0
    assert settled.allocations == (Allocation(MARCH, 14550, 20),)
    assert settled.overpaid_minor == 0
    assert settled.change_minor == 0
    assert settled.tendered_minor == 14550


def test_cash_overpayment_returns_change() -> None:
    settled = pay(14550, [march_bill()], tendered=15000)
    assert settled.change_minor == 450
    assert settled.tendered_minor == 15000
    assert settled.analysis is Analysis.EXACT
    assert settled.overpaid_minor == 0


def test_paying_more_than_owed_keeps_the_extra_as_credit() -> None:
    settled = pay(15000, [march_bill()])
    assert settled.analysis is Analysis.OVER
    assert settled.difference_minor == 450
    assert settled.overpaid_minor == 450
    assert settled.allocations == (Allocation(MARCH, 14550, 20),)
    assert settled.change_minor == 0


def test_an_under_payment_leaves_part_of_the_bill_owed() -> None:
    settled = pay(10000, [march_bill()])
    assert settled.analysis is Analysis.UNDER
    assert settled.difference_minor == -4550
    assert settled.allocations == (Allocation(MARCH, 10000, 20),)
    assert settled.overpaid_minor == 0


def test_several_items_are_settled_oldest_due_first() -> None:
    settled = pay(20000, [april_bill(), march_bill()])
    assert settled.allocations == (Allocation(MARCH, 14550, 20), Allocation(APRIL, 5450, 0))
    assert settled.outstanding_minor == 14550 + 15225


def test_items_due_the_same_day_are_settled_in_reference_order() -> None:
    due = date(2025, 4, 15)
    second = Due(UUID(int=20), "PP-2025-0034/2", 6750, due, date(2025, 3, 20))
    first = Due(UUID(int=10), "PP-2025-0034/1", 6750, due, date(2025, 3, 20))
    settled = pay(10000, [second, first])
    assert [(a.item_id, a.amount_minor) for a in settled.allocations] == [
        (UUID(int=10), 6750),
        (UUID(int=20), 3250),
    ]


def test_an_amount_that_covers_only_the_oldest_item_leaves_the_rest_untouched() -> None:
    settled = pay(14550, [april_bill(), march_bill()])
    assert settled.allocations == (Allocation(MARCH, 14550, 20),)


def test_collection_days_count_from_when_the_item_was_generated() -> None:
    settled = pay(30000, [march_bill(), april_bill()], paid_on=date(2025, 5, 10))
    assert [a.collection_days for a in settled.allocations] == [40, 10]


def test_collection_days_are_never_negative() -> None:
    settled = pay(15225, [april_bill()], paid_on=SAMPLE_DAY)  # issued 30 Apr, paid 20 Apr
    assert settled.allocations[0].collection_days == 0


def test_an_amount_up_to_the_overpayment_threshold_is_accepted() -> None:
    settled = pay(14550 + 50_000, [march_bill()])
    assert settled.overpaid_minor == 50_000


def test_an_amount_above_outstanding_plus_threshold_is_refused_naming_the_maximum() -> None:
    with pytest.raises(UserFacingError) as refused:
        pay(14550 + 50_001, [march_bill()])
    assert refused.value.message == (
        "Amount $645.51 is more than the outstanding $145.50 plus the allowed overpayment "
        "of $500.00 (at most $645.50)."
    )


def test_with_no_threshold_any_overpayment_is_refused() -> None:
    assert pay(14550, [march_bill()], threshold=0).overpaid_minor == 0
    with pytest.raises(UserFacingError, match=r"\(at most \$145\.50\)"):
        pay(14551, [march_bill()], threshold=0)


def test_cash_handed_over_must_cover_the_amount() -> None:
    with pytest.raises(UserFacingError) as refused:
        pay(14550, [march_bill()], tendered=10000)
    assert refused.value.message == (
        "Amount received $100.00 is less than the amount paid $145.50."
    )


def test_amount_received_is_for_cash_only() -> None:
    with pytest.raises(UserFacingError) as refused:
        pay(14550, [march_bill()], tendered=15000, is_cash=False)
    assert refused.value.message == "Amount received and change apply to cash payments only."


def test_a_card_payment_hands_back_no_change() -> None:
    settled = pay(14550, [march_bill()], is_cash=False)
    assert settled.tendered_minor == 14550
    assert settled.change_minor == 0


@pytest.mark.parametrize("amount", [0, -1, -14550])
def test_an_amount_of_zero_or_less_is_refused(amount) -> None:
    with pytest.raises(UserFacingError, match=r"^Amount must be greater than zero\.$"):
        pay(amount, [march_bill()])


def test_a_payment_needs_at_least_one_item() -> None:
    with pytest.raises(UserFacingError, match=r"^Select at least one unpaid item to pay\.$"):
        pay(14550, [])


def test_payment_types_are_read_whatever_the_case() -> None:
    assert PaymentType.parse("bill") is PaymentType.BILL
    assert PaymentType.parse(" SERVICE ") is PaymentType.SERVICE
    assert PaymentType.parse("Installment") is PaymentType.INSTALLMENT
    with pytest.raises(UserFacingError, match=r"^Choose the payment type: Bill, Service or"):
        PaymentType.parse("")
    with pytest.raises(UserFacingError, match=r"^Unknown payment type 'Donation'\."):
        PaymentType.parse("Donation")


def test_payment_statuses_are_read_whatever_the_case() -> None:
    assert PaymentStatus.parse("posted") is PaymentStatus.POSTED
    with pytest.raises(UserFacingError, match="Choose one of: Posted, Pending, Failed"):
        PaymentStatus.parse("Lost")


def test_notes_are_optional_trimmed_and_limited() -> None:
    assert check_notes(None, 250) is None
    assert check_notes("   ", 250) is None
    assert check_notes("  Customer paid in full ", 250) == "Customer paid in full"
    assert check_notes("x" * 250, 250) == "x" * 250
    with pytest.raises(UserFacingError) as refused:
        check_notes("x" * 251, 250)
    assert refused.value.message == "Notes can be at most 250 characters (these are 251)."


def test_a_payment_cannot_be_dated_in_the_future() -> None:
    assert check_payment_date(SAMPLE_DAY, SAMPLE_DAY) == SAMPLE_DAY
    assert check_payment_date(date(2025, 4, 1), SAMPLE_DAY) == date(2025, 4, 1)
    with pytest.raises(UserFacingError, match=r"^The payment date cannot be in the future\.$"):
        check_payment_date(date(2025, 4, 21), SAMPLE_DAY)


# -- the money rule, for any dues and any amount the counter accepts -----------------------------
dues_lists = st.lists(
    st.builds(
        Due,
        item_id=st.builds(uuid4),
        reference=st.text("ABC0123456789-", min_size=1, max_size=8),
        outstanding_minor=st.integers(1, 1_000_000),
        due_date=st.dates(date(2024, 1, 1), date(2026, 1, 1)),
        generated_on=st.dates(date(2024, 1, 1), date(2026, 1, 1)),
    ),
    min_size=1,
    max_size=6,
)


@given(
    dues=dues_lists,
    threshold=st.integers(0, 100_000),
    is_cash=st.booleans(),
    data=st.data(),
)
def test_settling_neither_creates_nor_loses_money(dues, threshold, is_cash, data) -> None:
    outstanding = sum(d.outstanding_minor for d in dues)
    amount = data.draw(st.integers(1, outstanding + threshold), label="amount")
    tendered = (
        data.draw(st.none() | st.integers(amount, amount + 1_000_000), label="tendered")
        if is_cash
        else None
    )

    settled = pay(amount, dues, tendered=tendered, is_cash=is_cash, threshold=threshold)

    assert sum(a.amount_minor for a in settled.allocations) + settled.overpaid_minor == amount
    assert settled.tendered_minor == amount + settled.change_minor
    assert settled.change_minor >= 0
    assert 0 <= settled.overpaid_minor <= threshold
    owed = {d.item_id: d.outstanding_minor for d in dues}
    assert all(0 < a.amount_minor <= owed[a.item_id] for a in settled.allocations)
    assert len({a.item_id for a in settled.allocations}) == len(settled.allocations)
    if settled.overpaid_minor:
        assert sum(a.amount_minor for a in settled.allocations) == outstanding
    assert settled.difference_minor == amount - outstanding


def test_only_a_posted_payment_of_today_can_be_voided() -> None:
    today = date(2025, 4, 20)
    assert void_refusal("Posted", today, today, "R-1") is None
    assert void_refusal("Voided", today, today, "R-1") == (
        "Receipt R-1 is voided: only posted payments can be voided."
    )
    assert void_refusal("Posted", date(2025, 4, 19), today, "R-1") == (
        "Receipt R-1 was recorded on an earlier day: only same-day payments can be voided. "
        "Issue a credit note instead."
    )
