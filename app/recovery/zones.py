"""The consumer's time zone(s): their IANA zone, else their phone's, else their country's."""

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import timezone as phone_zones

# Where a country spans several zones, the one most of its people live in.
MAIN_ZONE = {
    "US": "America/New_York",
    "CA": "America/Toronto",
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "MX": "America/Mexico_City",
    "RU": "Europe/Moscow",
    "IN": "Asia/Kolkata",
    "GB": "Europe/London",
    "ID": "Asia/Jakarta",
}
UTC_ZONE = ZoneInfo("UTC")


def consumer_zones(timezone: str, phone: str, country: str) -> tuple[ZoneInfo, ...]:
    """Candidate zones, most specific source first. Several candidates (a phone number that
    spans zones) mean a message must suit every one of them."""
    if timezone:
        zone = _zone(timezone)
        if zone is not None:
            return (zone,)
    if phone:
        found = _phone_zones(phone)
        if found:
            return found
    return (country_zone(country),)


@lru_cache(maxsize=4096)
def _phone_zones(phone: str) -> tuple[ZoneInfo, ...]:
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return ()
    names = phone_zones.time_zones_for_number(number)
    zones = [_zone(name) for name in names if name != phone_zones.UNKNOWN_TIMEZONE]
    return tuple(z for z in zones if z is not None)


@lru_cache(maxsize=512)
def country_zone(country: str) -> ZoneInfo:
    code = (country or "").upper()
    if code in MAIN_ZONE:
        return ZoneInfo(MAIN_ZONE[code])
    try:
        example = phonenumbers.example_number(code)
    except Exception:  # an unknown region: phonenumbers raises several kinds
        example = None
    if example is not None:
        names = phone_zones.time_zones_for_geographical_number(example)
        for name in names:
            zone = _zone(name)
            if zone is not None:
                return zone
    return UTC_ZONE


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
