"""Consumer-local time for the simulated world: time zones, public holidays, ISO parsing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import phonenumbers
from phonenumbers import timezone as phone_timezone

# Countries with a single zone: where a phone number says nothing (UK mobiles answer
# "Etc/Unknown"), the country alone decides.
SINGLE_ZONE_COUNTRIES = {"GB": "Europe/London", "IN": "Asia/Kolkata", "IE": "Europe/Dublin"}

# State capitals' zones, for consumers whose phone spans several zones.
SUBDIVISION_ZONES = {
    ("US", "NY"): "America/New_York",
    ("US", "FL"): "America/New_York",
    ("US", "GA"): "America/New_York",
    ("US", "TX"): "America/Chicago",
    ("US", "IL"): "America/Chicago",
    ("US", "CO"): "America/Denver",
    ("US", "AZ"): "America/Phoenix",
    ("US", "CA"): "America/Los_Angeles",
    ("US", "WA"): "America/Los_Angeles",
    ("AU", "NSW"): "Australia/Sydney",
    ("AU", "VIC"): "Australia/Melbourne",
    ("AU", "QLD"): "Australia/Brisbane",
    ("AU", "SA"): "Australia/Adelaide",
    ("AU", "WA"): "Australia/Perth",
}

COUNTRY_FALLBACK_ZONES = {"US": "America/New_York", "AU": "Australia/Sydney"}


def parse_instant(text: str) -> datetime:
    """An ISO-8601 instant; naive text is taken as UTC. Raises ValueError on bad input."""
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def format_instant(value: datetime) -> str:
    """UTC with a `Z`, to the second, as the portfolio files and the protocol use."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def resolve_zone(timezone: str, phone: str, country: str, subdivision: str) -> str:
    """The consumer's IANA zone: as given, else from the phone, else from the country.

    Order: the file's zone; the phone's zone when the number maps to exactly one; the
    country's only zone; the subdivision's zone; the phone's first zone; UTC.
    """
    if timezone:
        return timezone
    phone_zones = _phone_zones(phone)
    if len(phone_zones) == 1:
        return phone_zones[0]
    if country in SINGLE_ZONE_COUNTRIES:
        return SINGLE_ZONE_COUNTRIES[country]
    if (country, subdivision) in SUBDIVISION_ZONES:
        return SUBDIVISION_ZONES[(country, subdivision)]
    if phone_zones:
        return phone_zones[0]
    return COUNTRY_FALLBACK_ZONES.get(country, "UTC")


def _phone_zones(phone: str) -> list[str]:
    if not phone:
        return []
    try:
        number = phonenumbers.parse(phone)
    except phonenumbers.NumberParseException:
        return []
    return [z for z in phone_timezone.time_zones_for_number(number) if z != "Etc/Unknown"]


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(at: datetime, zone_name: str) -> datetime:
    return at.astimezone(zone(zone_name))


@lru_cache(maxsize=512)
def _holiday_calendar(country: str, subdivision: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=subdivision or None, years=year)


def is_public_holiday(day: date, country: str, subdivision: str) -> bool:
    """Public holidays of the country and subdivision, state and regional days included."""
    try:
        return day in _holiday_calendar(country, subdivision, day.year)
    except NotImplementedError:
        return False
