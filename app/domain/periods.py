"""Reporting periods a supervisor picks, the previous period they compare with, chart buckets."""

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from itertools import accumulate

from app.domain.errors import UserFacingError

MAX_DAYS = 731  # two years of daily bars is the most a chart can show legibly


class PeriodChoice(StrEnum):
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    LAST_7_DAYS = "last_7_days"
    LAST_30_DAYS = "last_30_days"
    LAST_90_DAYS = "last_90_days"
    THIS_YEAR = "this_year"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    PeriodChoice.THIS_MONTH: "This month",
    PeriodChoice.LAST_MONTH: "Last month",
    PeriodChoice.LAST_7_DAYS: "Last 7 days",
    PeriodChoice.LAST_30_DAYS: "Last 30 days",
    PeriodChoice.LAST_90_DAYS: "Last 90 days",
    PeriodChoice.THIS_YEAR: "This year",
    PeriodChoice.CUSTOM: "Custom range",
}


class Bucket(StrEnum):
    DAY = "day"
    WEEK = "week"  # Monday to Sunday
    MONTH = "month"

    @classmethod
    def parse(cls, text: str) -> "Bucket":
        for bucket in cls:
            if bucket.value == text.strip().casefold():
                return bucket
        raise UserFacingError(f"Unknown bucket '{text}'. Choose day, week or month.")


@dataclass(frozen=True)
class ReportPeriod:
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise UserFacingError("The 'from' date must be on or before the 'to' date.")
        if self.days > MAX_DAYS:
            raise UserFacingError(
                f"Choose a period of at most {MAX_DAYS} days (this one has {self.days})."
            )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def day(self, offset: int) -> date:
        return self.start + timedelta(days=offset)

    def before(self) -> "ReportPeriod":
        """The same number of days, ending the day before this period starts."""
        end = self.start - timedelta(days=1)
        return ReportPeriod(end - timedelta(days=self.days - 1), end)

    def buckets(self, bucket: Bucket) -> list["ReportPeriod"]:
        """Consecutive day, week or month slices covering the period, clipped to it."""
        slices = []
        first = self.start
        while first <= self.end:
            last = min(bucket_end(bucket, first), self.end)
            slices.append(ReportPeriod(first, last))
            first = last + timedelta(days=1)
        return slices


def bucket_start(bucket: Bucket, day: date) -> date:
    """The first day of the bucket holding `day` (what the SQL groups by)."""
    if bucket is Bucket.WEEK:
        return day - timedelta(days=day.weekday())
    if bucket is Bucket.MONTH:
        return day.replace(day=1)
    return day


def bucket_end(bucket: Bucket, day: date) -> date:
    if bucket is Bucket.WEEK:
        return bucket_start(bucket, day) + timedelta(days=6)
    if bucket is Bucket.MONTH:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


def month_to(end: date) -> ReportPeriod:
    """The month ending on `end` (16 Mar - 15 Apr): it holds each day of a monthly billing
    cycle exactly once, so a rate over it does not swing with the bills' due dates."""
    first = end.replace(day=1) - timedelta(days=1)  # the last day of the month before
    same_day = first.replace(day=min(end.day, first.day))
    return ReportPeriod(same_day + timedelta(days=1), end)


def bucket_for(period: ReportPeriod) -> Bucket:
    """Enough points to see a trend, few enough to read: days, then weeks, then months."""
    if period.days <= 31:
        return Bucket.DAY
    if period.days <= 120:
        return Bucket.WEEK
    return Bucket.MONTH


def pick_period(
    choice: PeriodChoice | str,
    today: date,
    start: date | None = None,
    end: date | None = None,
) -> ReportPeriod:
    """'This month' and 'this year' run to today; 'last month' is the whole month."""
    choice = PeriodChoice(choice)
    if choice is PeriodChoice.THIS_MONTH:
        return ReportPeriod(today.replace(day=1), today)
    if choice is PeriodChoice.LAST_MONTH:
        return _month(_month_before(today.replace(day=1)))
    if choice is PeriodChoice.THIS_YEAR:
        return ReportPeriod(date(today.year, 1, 1), today)
    if choice is PeriodChoice.CUSTOM:
        if start is None or end is None:
            raise UserFacingError("Choose both the 'from' and the 'to' date.")
        return ReportPeriod(start, end)
    days = {
        PeriodChoice.LAST_7_DAYS: 7,
        PeriodChoice.LAST_30_DAYS: 30,
        PeriodChoice.LAST_90_DAYS: 90,
    }[choice]
    return ReportPeriod(today - timedelta(days=days - 1), today)


def previous_period(choice: PeriodChoice | str, period: ReportPeriod) -> ReportPeriod:
    """What a period is compared with, day 1 against day 1.

    Month to date against the same days of last month, a month against the month before,
    year to date against the same dates last year; any other span against the same number
    of days just before it.
    """
    choice = PeriodChoice(choice)
    if choice is PeriodChoice.THIS_MONTH:
        month = _month(_month_before(period.start))
        return ReportPeriod(month.start, min(month.end, month.start + (period.end - period.start)))
    if choice is PeriodChoice.LAST_MONTH:
        return _month(_month_before(period.start))
    if choice is PeriodChoice.THIS_YEAR:
        year = period.start.year - 1
        last = min(period.end.day, calendar.monthrange(year, period.end.month)[1])
        return ReportPeriod(date(year, 1, 1), date(year, period.end.month, last))
    return period.before()


def _month_before(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def _month(first: date) -> ReportPeriod:
    last = calendar.monthrange(first.year, first.month)[1]
    return ReportPeriod(first, first.replace(day=last))


class DailyTotals:
    """Amounts per calendar day from `first` to `last`, summed over any range in one step."""

    def __init__(self, first: date, last: date, by_day: Mapping[date, int]) -> None:
        self.first, self.last = first, last
        days = (last - first).days + 1
        amounts = (by_day.get(first + timedelta(days=offset), 0) for offset in range(days))
        self._through = list(accumulate(amounts, initial=0))

    def on(self, day: date | None) -> int:
        return 0 if day is None else self.between(day, day)

    def between(self, first: date, last: date) -> int:
        """The sum from `first` to `last`, both included, clipped to the days held."""
        start = max(0, (first - self.first).days)
        stop = min(len(self._through) - 1, (last - self.first).days + 1)
        return self._through[stop] - self._through[start] if stop > start else 0


def month_periods(month_first: date, today: date) -> tuple[ReportPeriod, ReportPeriod]:
    """A month's KPI period and the period it is compared with, for every page that shows
    collection KPIs: this month runs to today, against the same days of last month (a
    month to date is never set against a whole month); any other month is whole, against
    the whole month before. The dashboard's 'this month' and 'last month' are the same."""
    if (month_first.year, month_first.month) == (today.year, today.month):
        period = pick_period(PeriodChoice.THIS_MONTH, today)
        return period, previous_period(PeriodChoice.THIS_MONTH, period)
    period = _month(month_first.replace(day=1))
    return period, previous_period(PeriodChoice.LAST_MONTH, period)


def compared_with(period: ReportPeriod, previous: ReportPeriod) -> str:
    """How a KPI tile names what its change is against."""
    whole = _month(period.start) == period and _month(previous.start) == previous
    if whole and _month(_month_before(period.start)) == previous:
        return "previous month"
    starts_a_month = period.start.day == 1 and previous.start.day == 1
    if starts_a_month and previous.start == _month_before(period.start):
        return "same days last month"
    return "previous period"
