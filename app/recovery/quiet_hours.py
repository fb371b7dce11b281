"""Quiet hours: messages only 08:00 to before 21:00 local, never on Sundays or holidays."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

OPENS = time(8, 0)
CLOSES = time(21, 0)
SUNDAY = 6


class HolidayCalendar:
    """Public holidays of a country and its subdivision (state and regional days included)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], holidays.HolidayBase | None] = {}

    def is_holiday(self, day: date, country: str, subdivision: str) -> bool:
        table = self._table(country.upper(), subdivision.upper())
        return table is not None and day in table

    def _table(self, country: str, subdivision: str) -> holidays.HolidayBase | None:
        key = (country, subdivision)
        if key not in self._cache:
            self._cache[key] = _load(country, subdivision)
        return self._cache[key]


def _load(country: str, subdivision: str) -> holidays.HolidayBase | None:
    try:
        return holidays.country_holidays(country, subdiv=subdivision or None)
    except NotImplementedError:
        # An unknown subdivision still has its country's days; an unknown country has none.
        if subdivision:
            return _load(country, "")
        return None


class QuietHours:
    def __init__(self, calendar: HolidayCalendar | None = None) -> None:
        self.calendar = calendar or HolidayCalendar()

    def reason(self, at: datetime, zone: ZoneInfo, country: str, subdivision: str) -> str | None:
        local = at.astimezone(zone)
        if local.weekday() == SUNDAY:
            return "it is Sunday for the consumer"
        if self.calendar.is_holiday(local.date(), country, subdivision):
            return "it is a public holiday for the consumer"
        if not OPENS <= local.time() < CLOSES:
            return "it is outside 08:00-21:00 for the consumer"
        return None

    def next_open(
        self, after: datetime, zones: tuple[ZoneInfo, ...], country: str, subdivision: str
    ) -> datetime:
        """The first instant >= `after` that is open in every candidate zone."""
        t = after
        for _ in range(400):
            later = max(self._next_open_in(t, zone, country, subdivision) for zone in zones)
            if later == t:
                return t
            t = later
        raise RuntimeError("no open hour for messages within a year")  # cannot happen: bug

    def _next_open_in(
        self, t: datetime, zone: ZoneInfo, country: str, subdivision: str
    ) -> datetime:
        if self.reason(t, zone, country, subdivision) is None:
            return t
        local = t.astimezone(zone)
        day = local.date()
        if local.time() >= OPENS and (
            local.time() >= CLOSES
            or local.weekday() == SUNDAY
            or self.calendar.is_holiday(day, country, subdivision)
        ):
            day += timedelta(days=1)
        while day.weekday() == SUNDAY or self.calendar.is_holiday(day, country, subdivision):
            day += timedelta(days=1)
        return max(t, datetime.combine(day, OPENS, tzinfo=zone).astimezone(t.tzinfo))
