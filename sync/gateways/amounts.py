"""Gateway amounts to and from our integer minor units (NMI speaks decimal strings)."""

from app.domain.errors import UserFacingError
from app.domain.money import decimal_text, parse_amount
from sync.gateways.errors import PayloadError


def minor_from_text(text: object, currency: str, *, field: str = "amount") -> int:
    """'145.50' USD -> 14550. A gateway amount that is not exact is a broken payload."""
    try:
        return parse_amount(str(text), currency, field=field)
    except UserFacingError as error:
        raise PayloadError(f"Gateway {field} '{text}' is not an amount: {error}") from None


def text_from_minor(amount_minor: int, currency: str) -> str:
    """14550 USD -> '145.50', the form NMI expects."""
    return decimal_text(amount_minor, currency)
