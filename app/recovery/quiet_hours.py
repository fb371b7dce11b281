"""Quiet hours: messages only inside the place's hours (default 08:00 to before 21:00 local),
never on its weekend (default Sunday) or its public holidays, and within the caps.

`next_allowed` is the one answer to "when may this reminder go?": the first instant at or
after the asked time that every rule admits. A message is never sent in a forbidden minute;
it waits for that instant instead.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

from app.recovery.messaging_rules import MessagingRules

OPENS = time(8, 0)
CLOSES = time(21, 0)
SUNDAY = 6
WEEK = timedelta(days=7)
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


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


_CALENDAR = HolidayCalendar()  # holiday tables are costly to build: one per process


class QuietHours:
    def __init__(
        self, calendar: HolidayCalendar | None = None, rules: MessagingRules | None = None
    ) -> None:
        self.calendar = calendar or _CALENDAR
        self.rules = rules or MessagingRules()

    def _closed_day(self, day: date, country: str, subdivision: str) -> str | None:
        if day.weekday() in self.rules.weekend_for(country, subdivision):
            return f"it is {DAY_NAMES[day.weekday()]}, a rest day, for the consumer"
        if self.calendar.is_holiday(day, country, subdivision):
            return "it is a public holiday for the consumer"
        return None

    def reason(self, at: datetime, zone: ZoneInfo, country: str, subdivision: str) -> str | None:
        local = at.astimezone(zone)
        closed = self._closed_day(local.date(), country, subdivision)
        if closed:
            return closed
        hours = self.rules.hours_for(country, subdivision)
        if not hours.admits(local.time()):
            return f"it is outside {hours.text} for the consumer"
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
        hours = self.rules.hours_for(country, subdivision)
        local = t.astimezone(zone)
        day = local.date()
        if local.time() >= hours.opens:  # today's window is over (or today is closed)
            day += timedelta(days=1)
        for _ in range(60):
            if self._closed_day(day, country, subdivision) is None:
                break
            day += timedelta(days=1)
        return max(t, local_start(day, hours.opens, zone).astimezone(t.tzinfo))


def local_start(day: date, moment: time, zone: ZoneInfo) -> datetime:
    """The first instant of `day` in `zone` whose local time is `moment` or later.

    Usually `moment` itself. When the clocks jump over it (a DST gap), it is the instant of
    the jump: the local clock then shows the first time after the gap, already past `moment`.
    """
    naive = datetime.combine(day, moment)
    # The two readings of a local time (PEP 495 fold): equal on an ordinary day, the two
    # occurrences in a repeated hour, the two sides of the jump in a gap.
    readings = [naive.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1)]
    real = [r for r in readings if r.astimezone(zone).replace(tzinfo=None) == naive]
    if real:
        return min(real)
    low, high = min(readings), max(readings)  # in a gap: find the jump, to the second
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        local = middle.astimezone(zone)
        if local.date() > day or (local.date() == day and local.time() >= moment):
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def cap_reason(
    at: datetime, zones: tuple[ZoneInfo, ...], sent: Iterable[datetime], rules: MessagingRules
) -> str | None:
    """Why the caps forbid a reminder at `at` given the consumer's earlier reminders."""
    earlier = [s for s in sent if s <= at]
    for zone in zones:
        today = at.astimezone(zone).date()
        if sum(1 for s in earlier if s.astimezone(zone).date() == today) >= rules.per_day:
            return f"the consumer already had {rules.per_day} reminder(s) today"
    if sum(1 for s in earlier if s > at - WEEK) >= rules.per_week:
        return f"the consumer already had {rules.per_week} reminders in seven days"
    return None


def cap_frees_at(
    at: datetime, zones: tuple[ZoneInfo, ...], sent: Iterable[datetime], rules: MessagingRules
) -> datetime:
    """The first instant >= `at` at which the caps no longer forbid a reminder."""
    earlier = sorted(s for s in sent if s <= at)
    free = at
    for zone in zones:
        today = at.astimezone(zone).date()
        if sum(1 for s in earlier if s.astimezone(zone).date() == today) >= rules.per_day:
            midnight = local_start(today + timedelta(days=1), time(0), zone)
            free = max(free, midnight.astimezone(at.tzinfo))
    week = [s for s in earlier if s > at - WEEK]
    if len(week) >= rules.per_week:
        # The window is (t - 7 days, t]: the oldest of the surplus leaves it 7 days after.
        free = max(free, week[len(week) - rules.per_week] + WEEK)
    return free


def forbidden_reason(
    at: datetime,
    zones: tuple[ZoneInfo, ...],
    country: str,
    subdivision: str,
    rules: MessagingRules,
    *,
    sent: Iterable[datetime] = (),
    urgent: bool = False,
    quiet: QuietHours | None = None,
) -> str | None:
    """Why a reminder may not go out at `at` (None: it may). An urgent one skips the hours,
    weekends and holidays, never the caps (the caller allows urgent once per high-value case)."""
    quiet = quiet or QuietHours(rules=rules)
    if not urgent:
        for zone in zones:
            why = quiet.reason(at, zone, country, subdivision)
            if why:
                return why
    return cap_reason(at, zones, list(sent), rules)


def next_allowed(
    at: datetime,
    zones: tuple[ZoneInfo, ...],
    country: str,
    subdivision: str,
    rules: MessagingRules,
    *,
    sent: Iterable[datetime] = (),
    quiet: QuietHours | None = None,
) -> datetime:
    """The first instant >= `at` at which a (non-urgent) reminder may go out."""
    quiet = quiet or QuietHours(rules=rules)
    history = list(sent)
    t = at
    for _ in range(1000):
        t = quiet.next_open(t, zones, country, subdivision)
        free = cap_frees_at(t, zones, history, rules)
        if free == t:
            return t
        t = free
    raise RuntimeError("no allowed minute for a reminder within years")  # cannot happen: bug
