"""Contact points at intake: a phone number or e-mail address is checked once, and refused
with the reason a person can act on, before anything is stored or sent."""

import re

import phonenumbers

from app.domain.errors import UserFacingError
from app.recovery.channels import ChannelName

# A sane syntax check, not RFC 5322: one @, a local part without spaces, a dotted domain of
# letters, digits and hyphens with a top-level part of two letters or more.
EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
    r"(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


class InvalidContact(UserFacingError):
    """A phone number or an e-mail address that cannot reach anyone."""


def checked_email(text: str) -> str:
    address = (text or "").strip()
    if not address:
        raise InvalidContact("The e-mail address is empty.")
    if not EMAIL.match(address) or ".." in address or address.split("@")[0].startswith("."):
        raise InvalidContact(f"'{address}' is not an e-mail address (like name@example.com).")
    local, _, domain = address.partition("@")
    return f"{local}@{domain.lower()}"


def checked_phone(text: str, country: str = "") -> str:
    """The number in E.164 (+14155550123); a national number is read in `country`."""
    raw = (text or "").strip()
    if not raw:
        raise InvalidContact("The phone number is empty.")
    try:
        number = phonenumbers.parse(raw, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        raise InvalidContact(
            f"'{raw}' is not a phone number: write it with its country code, like +14155550123."
        ) from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidContact(f"'{raw}' has the wrong number of digits for its country.")
    if not phonenumbers.is_valid_number(number):
        raise InvalidContact(f"'{raw}' is not a number in use in its country's numbering plan.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def checked_address(channel: str, text: str, country: str = "") -> str:
    """The address of `channel` (e-mail, or a phone for SMS and WhatsApp), normalised."""
    if channel == ChannelName.EMAIL:
        return checked_email(text)
    if channel in (ChannelName.SMS, ChannelName.WHATSAPP):
        return checked_phone(text, country)
    raise InvalidContact(f"'{channel}' is not a channel: email, sms or whatsapp.")


def zone_from_phone(phone: str) -> str:
    """The IANA zone of a phone number when it names exactly one ("" when it does not)."""
    from phonenumbers import timezone as phone_zones

    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return ""
    names = [z for z in phone_zones.time_zones_for_number(number) if z != "Etc/Unknown"]
    return names[0] if len(names) == 1 else ""
