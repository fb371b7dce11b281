"""Credit-note rules: the most that may be credited, status from what remains, usage, expiry."""

from datetime import date
from decimal import Decimal

import pytest

from app.domain.credit_notes import (
    CreditNoteStatus,
    check_credit_amount,
    check_remarks,
    creditable_minor,
    expiry_date,
    status_of,
    usage_percent,
)
from app.domain.errors import UserFacingError

CREATED = date(2025, 4, 20)
EXPIRES = date(2026, 4, 20)


def status(applied: int, today: date, *, amount: int = 450, cancelled: bool = False) -> str:
    return status_of(
        amount_minor=amount,
        applied_minor=applied,
        expires_on=EXPIRES,
        today=today,
        cancelled=cancelled,
    ).value


def test_a_credit_note_may_be_at_most_the_payment_less_what_was_already_credited() -> None:
    assert creditable_minor(14550, 0) == 14550
    assert creditable_minor(15000, 450) == 14550
    assert creditable_minor(14550, 14550) == 0
    assert creditable_minor(14550, 20000) == 0


def test_a_credit_amount_within_the_maximum_is_accepted() -> None:
    check_credit_amount(1, 14550, "$145.50")
    check_credit_amount(14550, 14550, "$145.50")


@pytest.mark.parametrize("amount", [0, -1, -450])
def test_a_credit_amount_of_zero_or_less_is_refused(amount) -> None:
    with pytest.raises(UserFacingError, match=r"^Credit amount must be greater than zero\.$"):
        check_credit_amount(amount, 14550, "$145.50")


def test_a_credit_amount_above_the_maximum_names_the_maximum() -> None:
    with pytest.raises(UserFacingError) as refused:
        check_credit_amount(14551, 14550, "$145.50")
    assert refused.value.message == "Credit amount cannot exceed the maximum of $145.50."


def test_remarks_are_optional_trimmed_and_limited_to_500_characters() -> None:
    assert check_remarks(None) is None
    assert check_remarks("  ") is None
    assert check_remarks(" Customer overpaid ") == "Customer overpaid"
    assert check_remarks("r" * 500) == "r" * 500
    with pytest.raises(UserFacingError) as refused:
        check_remarks("r" * 501)
    assert refused.value.message == "Remarks can be at most 500 characters (these are 501)."


def test_a_credit_note_expires_a_year_after_it_was_made_by_default() -> None:
    assert expiry_date(CREATED, 365) == EXPIRES


def test_the_expiry_follows_the_configured_number_of_days() -> None:
    assert expiry_date(CREATED, 30) == date(2025, 5, 20)
    assert expiry_date(CREATED, 1) == date(2025, 4, 21)


def test_an_unused_note_is_active() -> None:
    assert status(0, CREATED) == "Active"


def test_a_partly_used_note_is_still_active() -> None:
    assert status(150, CREATED) == "Active"


def test_a_fully_used_note_is_applied() -> None:
    assert status(450, CREATED) == "Applied"


def test_a_note_is_active_on_its_expiry_day_and_expired_the_day_after() -> None:
    assert status(0, EXPIRES) == "Active"
    assert status(0, date(2026, 4, 21)) == "Expired"
    assert status(150, date(2026, 4, 21)) == "Expired"


def test_a_fully_used_note_stays_applied_after_its_expiry() -> None:
    assert status(450, date(2027, 1, 1)) == "Applied"


def test_a_cancelled_note_is_cancelled_whatever_remains() -> None:
    assert status(0, CREATED, cancelled=True) == "Cancelled"
    assert status(450, date(2027, 1, 1), cancelled=True) == "Cancelled"


@pytest.mark.parametrize(
    ("applied", "amount", "percent"),
    [
        (0, 450, "0.0"),
        (1, 3, "33.3"),
        (2, 3, "66.7"),
        (150, 450, "33.3"),
        (1, 16, "6.3"),  # 6.25 rounds half up
        (1, 8, "12.5"),
        (450, 450, "100.0"),
        (0, 0, "0.0"),
    ],
)
def test_usage_is_shown_as_a_percentage_to_one_decimal(applied, amount, percent) -> None:
    shown = usage_percent(applied, amount)
    assert shown == Decimal(percent)
    assert str(shown) == percent


def test_credit_note_statuses_are_read_whatever_the_case() -> None:
    assert CreditNoteStatus.parse("applied") is CreditNoteStatus.APPLIED
    assert CreditNoteStatus.parse(" ACTIVE ") is CreditNoteStatus.ACTIVE
    with pytest.raises(UserFacingError) as refused:
        CreditNoteStatus.parse("Spent")
    message = refused.value.message
    assert message.startswith("Unknown credit-note status 'Spent'. Choose one of: Active, ")
    assert all(s.value in message for s in CreditNoteStatus)
