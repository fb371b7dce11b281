"""Money as integer minor units: parsing user text, converting, formatting with Babel."""

import re
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision

from app.domain.errors import UserFacingError


def minor_digits(currency: str) -> int:
    """How many minor-unit digits the currency has (2 for USD and INR, 0 for JPY)."""
    return get_currency_precision(currency)


# Digits with an optional decimal part; groups may be separated by commas the Western way
# (1,234,567.50) or the Indian way (12,34,567.50), always ending in a group of three.
_AMOUNT = re.compile(r"-?(\d{1,3}((,\d{3})+|(,\d{2})*,\d{3})|\d+)(\.\d*)?|-?\.\d+")
MAX_MINOR = 10**13  # a hundred billion in a two-decimal currency: no real payment is larger


def parse_amount(text: str | Decimal | int, currency: str, *, field: str = "Amount") -> int:
    """Turn what a user typed into minor units, refusing anything that is not an exact amount."""
    raw = str(text).strip()
    for symbol in ("$", "₹", "€", "£"):
        raw = raw.replace(symbol, "")
    raw = raw.strip()
    if not raw:
        raise UserFacingError(f"{field} is required.")
    if not _AMOUNT.fullmatch(raw):
        raise UserFacingError(f"{field} must be a number, not '{text}'.")
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        raise UserFacingError(f"{field} must be a number, not '{text}'.") from None
    digits = minor_digits(currency)
    scaled = value.scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise UserFacingError(f"{field} can have at most {digits} decimal places.")
    if abs(scaled) >= MAX_MINOR:
        raise UserFacingError(f"{field} is too large.")
    return int(scaled)


def to_decimal(minor: int, currency: str) -> Decimal:
    """Minor units back to an exact Decimal (for JSON output and display)."""
    digits = minor_digits(currency)
    return (Decimal(minor).scaleb(-digits)).quantize(Decimal(1).scaleb(-digits))


def decimal_text(minor: int, currency: str) -> str:
    """A plain decimal string, as machine-readable output uses: '145.50'."""
    return str(to_decimal(minor, currency))


def format_money(minor: int, currency: str, locale: str) -> str:
    """The amount as a person in that locale reads it: '$145.50', '₹1,45,000.00'."""
    return format_currency(to_decimal(minor, currency), currency, locale=locale)
