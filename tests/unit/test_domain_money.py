"""Money at the edges: what a cashier types becomes exact minor units; Babel shows it back."""

from decimal import Decimal

import pytest

from app.domain.errors import UserFacingError
from app.domain.money import decimal_text, format_money, minor_digits, parse_amount, to_decimal


@pytest.mark.parametrize(
    ("typed", "minor"),
    [
        ("145.50", 14550),
        ("145.5", 14550),
        ("145", 14500),
        ("0.01", 1),
        ("  12.50  ", 1250),
        ("$1,234.50", 123450),
        ("1,234", 123400),
        ("₹1,45,000.00", 14500000),
        (Decimal("4.50"), 450),
        (75, 7500),
    ],
)
def test_typed_amounts_become_exact_cents(typed, minor) -> None:
    assert parse_amount(typed, "USD") == minor


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1.234", "Amount can have at most 2 decimal places."),
        ("0.001", "Amount can have at most 2 decimal places."),
        ("abc", "Amount must be a number, not 'abc'."),
        ("12.5.0", "Amount must be a number, not '12.5.0'."),
        ("", "Amount is required."),
        ("   ", "Amount is required."),
        ("$", "Amount is required."),
        ("NaN", "Amount must be a number, not 'NaN'."),
        ("Infinity", "Amount must be a number, not 'Infinity'."),
    ],
)
def test_anything_that_is_not_an_exact_amount_is_refused(typed, message) -> None:
    with pytest.raises(UserFacingError) as refused:
        parse_amount(typed, "USD")
    assert refused.value.message == message


def test_the_refusal_names_the_field_the_cashier_typed_into() -> None:
    with pytest.raises(UserFacingError, match=r"^Amount received must be a number, not 'ten'\.$"):
        parse_amount("ten", "USD", field="Amount received")


def test_yen_have_no_minor_digits() -> None:
    assert minor_digits("JPY") == 0
    assert parse_amount("1,234", "JPY") == 1234
    with pytest.raises(UserFacingError, match="at most 0 decimal places"):
        parse_amount("12.5", "JPY")


def test_dollars_and_rupees_have_two_minor_digits() -> None:
    assert minor_digits("USD") == 2
    assert minor_digits("INR") == 2


def test_minor_units_convert_back_to_exact_decimals() -> None:
    assert to_decimal(14550, "USD") == Decimal("145.50")
    assert decimal_text(14550, "USD") == "145.50"
    assert decimal_text(450, "USD") == "4.50"
    assert decimal_text(1, "USD") == "0.01"
    assert decimal_text(1234, "JPY") == "1234"


@pytest.mark.parametrize(
    ("minor", "currency", "locale", "shown"),
    [
        (14550, "USD", "en_US", "$145.50"),
        (450, "USD", "en_US", "$4.50"),
        (123450, "USD", "en_US", "$1,234.50"),
        (0, "USD", "en_US", "$0.00"),
        (14500000, "INR", "en_IN", "₹1,45,000.00"),
        (1234, "JPY", "en_US", "¥1,234"),
        (14550, "EUR", "de_DE", "145,50\xa0€"),
    ],
)
def test_amounts_are_shown_the_way_the_locale_reads_them(minor, currency, locale, shown) -> None:
    assert format_money(minor, currency, locale) == shown


def test_parsing_what_was_shown_gives_back_the_same_cents() -> None:
    for minor in (1, 99, 14550, 123450, 10_000_000):
        assert parse_amount(format_money(minor, "USD", "en_US"), "USD") == minor
