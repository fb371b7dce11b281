"""Money as integer minor units: parsing user text, converting, formatting with Babel."""

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision

from app.domain.errors import UserFacingError


def minor_digits(currency: str) -> int:
    """How many minor-unit digits the currency has (2 for USD and INR, 0 for JPY)."""
    return get_currency_precision(currency)


def parse_amount(text: str | Decimal | int, currency: str, *, field: str = "Amount") -> int:
    """Turn what a user typed into minor units, refusing anything that is not an exact amount."""
    raw = str(text).strip().replace(",", "")
    for symbol in ("$", "₹", "€", "£"):
        raw = raw.replace(symbol, "")
    if not raw:
        raise UserFacingError(f"{field} is required.")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise UserFacingError(f"{field} must be a number, not '{text}'.") from None
    if not value.is_finite():
        raise UserFacingError(f"{field} must be a number, not '{text}'.")
    digits = minor_digits(currency)
    scaled = value.scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise UserFacingError(f"{field} can have at most {digits} decimal places.")
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
