"""The messaging rules as one validated value: hours and weekends per place, caps, channels.

Stored as plain data (a mapping of strings and lists, see to_mapping) in the recovery database,
edited in Settings > Messaging, read by the recovery service. Places are keyed by ISO country
("US") or country-subdivision ("US-CA"); the subdivision's entry wins over its country's.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from app.domain.errors import UserFacingError

CHANNELS = ("email", "sms", "whatsapp")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SUNDAY_ONLY = (6,)
# Where the week's rest days are Friday and Saturday (the rest of the world: Sunday only,
# Saturday being a working day for many of our consumers). Editable in the settings.
FRIDAY_SATURDAY = ("SA", "EG", "IL", "QA", "KW", "BH", "OM", "JO", "DZ", "IQ", "YE", "LY", "SD")
DEFAULT_WEEKENDS: Mapping[str, tuple[int, ...]] = {c: (4, 5) for c in FRIDAY_SATURDAY}
PLACE = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class Hours:
    """Messages may go out from `opens` up to, not including, `closes` (local time)."""

    opens: time = time(8, 0)
    closes: time = time(21, 0)

    def admits(self, moment: time) -> bool:
        return self.opens <= moment < self.closes

    @property
    def text(self) -> str:
        return f"{self.opens:%H:%M}-{self.closes:%H:%M}"


@dataclass(frozen=True)
class MessagingRules:
    default_hours: Hours = Hours()
    hours: Mapping[str, Hours] = field(default_factory=dict)  # per place
    default_weekend: tuple[int, ...] = SUNDAY_ONLY  # weekday numbers, Monday = 0
    weekends: Mapping[str, tuple[int, ...]] = field(default_factory=lambda: dict(DEFAULT_WEEKENDS))
    per_day: int = 1  # reminders per case per local day, all channels together
    per_week: int = 3  # reminders per consumer in any rolling seven days
    channels: tuple[str, ...] = CHANNELS  # the channels reminders may use, in fallback order

    def __post_init__(self) -> None:
        if not 1 <= self.per_day <= 10:
            raise UserFacingError("Messages per day must be between 1 and 10.")
        if not self.per_day <= self.per_week <= 30:
            raise UserFacingError(
                "Messages per 7 days must be at least the messages per day, and at most 30."
            )
        unknown = [c for c in self.channels if c not in CHANNELS]
        if unknown or not self.channels:
            raise UserFacingError("Enable at least one channel of email, sms and whatsapp.")
        if len(self.default_weekend) >= 7 or any(len(w) >= 7 for w in self.weekends.values()):
            raise UserFacingError("A weekend cannot take the whole week.")

    # -- lookups ---------------------------------------------------------------------------
    def hours_for(self, country: str, subdivision: str = "") -> Hours:
        for key in _places(country, subdivision):
            if key in self.hours:
                return self.hours[key]
        return self.default_hours

    def weekend_for(self, country: str, subdivision: str = "") -> tuple[int, ...]:
        for key in _places(country, subdivision):
            if key in self.weekends:
                return self.weekends[key]
        return self.default_weekend

    # -- stored form -----------------------------------------------------------------------
    def to_mapping(self) -> dict[str, Any]:
        return {
            "hours": self.default_hours.text,
            "hours_by_place": {k: v.text for k, v in sorted(self.hours.items())},
            "weekend": days_text(self.default_weekend),
            "weekends_by_place": {k: days_text(v) for k, v in sorted(self.weekends.items())},
            "per_day": self.per_day,
            "per_week": self.per_week,
            "channels": list(self.channels),
        }

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> "MessagingRules":
        """Rules from stored or typed data; a clear UserFacingError on the first bad value."""
        base = cls()
        weekends = data.get(
            "weekends_by_place", {k: days_text(v) for k, v in base.weekends.items()}
        )
        channels = [str(c).strip().lower() for c in data.get("channels", base.channels)]
        return cls(
            default_hours=parse_hours(data.get("hours", base.default_hours.text), "default"),
            hours={
                place(k): parse_hours(v, k) for k, v in dict(data.get("hours_by_place", {})).items()
            },
            default_weekend=parse_days(data.get("weekend", "sun"), "default"),
            weekends={place(k): parse_days(v, k) for k, v in dict(weekends).items()},
            per_day=_count(data.get("per_day", base.per_day), "Messages per day"),
            per_week=_count(data.get("per_week", base.per_week), "Messages per 7 days"),
            channels=tuple(c for c in channels if c),
        )


def _places(country: str, subdivision: str) -> tuple[str, ...]:
    country = (country or "").upper()
    return (f"{country}-{subdivision.upper()}", country) if subdivision else (country,)


def place(key: str) -> str:
    key = str(key).strip().upper()
    if not PLACE.match(key):
        raise UserFacingError(
            f"'{key}' is not a place: write a country code (US) or country-region (US-CA)."
        )
    return key


def parse_clock(text: str, what: str) -> time:
    found = CLOCK.match(str(text).strip())
    if found is None or int(found[1]) > 23 or int(found[2]) > 59:
        raise UserFacingError(f"{what} '{str(text).strip()}' is not a time of day (00:00-23:59).")
    return time(int(found[1]), int(found[2]))


def parse_hours(text: Any, where: str) -> Hours:
    """'08:00-21:00' -> Hours; the hours must open before they close, on the same day."""
    opens_text, dash, closes_text = str(text).partition("-")
    if not dash:
        raise UserFacingError(f"Hours for {where} must read like 08:00-21:00, not '{text}'.")
    opens = parse_clock(opens_text, f"Opening time for {where}")
    closes = parse_clock(closes_text, f"Closing time for {where}")
    if closes <= opens:
        raise UserFacingError(f"Hours for {where}: {text} closes before it opens.")
    return Hours(opens, closes)


def parse_days(text: Any, where: str) -> tuple[int, ...]:
    """'fri,sat' (or a list of such names) -> (4, 5); '' -> no weekend."""
    names = text if isinstance(text, list | tuple) else str(text).replace(" ", "").split(",")
    days = []
    for name in (str(n).strip().lower()[:3] for n in names):
        if not name:
            continue
        if name not in DAY_NAMES:
            raise UserFacingError(
                f"Weekend for {where}: '{name}' is not a day (mon, tue, ... sun)."
            )
        days.append(DAY_NAMES.index(name))
    return tuple(sorted(set(days)))


def days_text(days: tuple[int, ...]) -> str:
    return ",".join(DAY_NAMES[d] for d in days)


def _count(value: Any, what: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise UserFacingError(f"{what} must be a whole number, not '{value}'.") from None
