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
# Subdivisions of the many-zone countries whose zone differs from the country's main one.
_US_CENTRAL = ("AL", "AR", "IA", "IL", "KS", "LA", "MN", "MO", "MS", "ND", "NE", "OK", "SD", "TX")
SUBDIVISION_ZONE = {
    **{f"US-{s}": "America/Chicago" for s in (*_US_CENTRAL, "WI")},
    **{f"US-{s}": "America/Denver" for s in ("CO", "MT", "NM", "UT", "WY")},
    **{f"US-{s}": "America/Los_Angeles" for s in ("CA", "NV", "OR", "WA")},
    "US-AZ": "America/Phoenix",
    "US-ID": "America/Boise",
    "US-AK": "America/Anchorage",
    "US-HI": "Pacific/Honolulu",
    "CA-NL": "America/St_Johns",
    "CA-NS": "America/Halifax",
    "CA-NB": "America/Moncton",
    "CA-PE": "America/Halifax",
    "CA-MB": "America/Winnipeg",
    "CA-SK": "America/Regina",
    "CA-AB": "America/Edmonton",
    "CA-BC": "America/Vancouver",
    "AU-QLD": "Australia/Brisbane",
    "AU-SA": "Australia/Adelaide",
    "AU-NT": "Australia/Darwin",
    "AU-WA": "Australia/Perth",
    "AU-TAS": "Australia/Hobart",
    "AU-VIC": "Australia/Melbourne",
}


def consumer_zones(
    timezone: str, phone: str, country: str, subdivision: str = ""
) -> tuple[ZoneInfo, ...]:
    """Candidate zones, most specific source first: the stored zone, the address's region,
    the phone number's zones, the country's. Several candidates (a phone number that spans
    zones) mean a message must suit every one of them."""
    if timezone:
        zone = _zone(timezone)
        if zone is not None:
            return (zone,)
    region = SUBDIVISION_ZONE.get(f"{(country or '').upper()}-{(subdivision or '').upper()}")
    if region:
        return (ZoneInfo(region),)
    if phone:
        found = _phone_zones(phone)
        if found:
            return found
    return (country_zone(country),)


def zone_name(timezone: str, phone: str, country: str, subdivision: str = "") -> str:
    """The one zone to store for a consumer whose zone is missing (the first candidate)."""
    return consumer_zones(timezone, phone, country, subdivision)[0].key


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


# Old names the phone-number data still uses, and the names the IANA database now prefers.
CURRENT_NAMES = {
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Asia/Rangoon": "Asia/Yangon",
    "Asia/Dacca": "Asia/Dhaka",
    "Asia/Thimbu": "Asia/Thimphu",
    "Asia/Ulan_Bator": "Asia/Ulaanbaatar",
    "Atlantic/Faeroe": "Atlantic/Faroe",
    "Europe/Kiev": "Europe/Kyiv",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "America/Godthab": "America/Nuuk",
    "Pacific/Truk": "Pacific/Chuuk",
    "Pacific/Ponape": "Pacific/Pohnpei",
    "Pacific/Enderbury": "Pacific/Kanton",
}


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(CURRENT_NAMES.get(name, name))
    except (ZoneInfoNotFoundError, ValueError):
        return None
