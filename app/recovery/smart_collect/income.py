"""A consumer's income pattern from their credits: kind, paydays, amount and consistency."""

import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from statistics import median, pstdev

MIN_CREDITS = 3
FULL_HISTORY = 6  # credits after which a consistent pattern earns full confidence
CLUSTER_REACH = 3  # days a payday moves (weekends, bank holidays) and still counts as the same
IRREGULAR_CEILING = 40.0  # an irregular earner's consistency never looks better than this


class PayKind(StrEnum):
    MONTHLY = "monthly"
    SEMI_MONTHLY = "semi_monthly"
    BIWEEKLY = "biweekly"
    IRREGULAR = "irregular"
    UNKNOWN = "unknown"  # fewer than MIN_CREDITS credits


@dataclass(frozen=True)
class Credit:
    on: date
    amount_minor: int
    source: str = ""
    balance_minor: int | None = None  # the balance after it, when the source reports one


@dataclass(frozen=True)
class IncomePattern:
    kind: PayKind
    paydays: tuple[int, ...]  # days of the month (monthly: one, semi-monthly: two)
    typical_day: int | None  # the main payday's day of the month
    typical_amount_minor: int
    amount_cv: float  # coefficient of variation of the amounts
    timing_cv: float  # coefficient of variation of the gaps between credits
    consistency: float  # 0-100: 100 is the same amount on the same day every cycle
    cycle_days: float
    credits: int
    last_credit: date | None
    anchor: date | None = None  # biweekly: one observed payday
    source: str = "credits"  # credits | approved payments

    def next_credit(self, on_or_after: date) -> date | None:
        return next(iter(d for d in self._expected(on_or_after) if d >= on_or_after), None)

    def credit_on_or_before(self, day: date) -> date | None:
        found = [d for d in self._expected(day - timedelta(days=45)) if d <= day]
        return found[-1] if found else None

    def _expected(self, start: date) -> Iterator[date]:
        """Expected credit days from about `start` on (a bounded, sorted run of them)."""
        if self.kind in (PayKind.MONTHLY, PayKind.SEMI_MONTHLY):
            month = date(start.year, start.month, 1)
            for _ in range(5):
                for day in self.paydays:
                    yield business_day_on_or_before(month, day)
                month = (month + timedelta(days=32)).replace(day=1)
        elif self.kind is PayKind.BIWEEKLY and self.anchor is not None:
            steps = (start - self.anchor).days // 14
            for k in range(steps, steps + 8):
                yield self.anchor + timedelta(days=14 * k)
        elif self.kind is PayKind.IRREGULAR and self.last_credit is not None:
            gap = max(1, round(self.cycle_days))
            credit = self.last_credit
            while credit < start:
                credit += timedelta(days=gap)
            for k in range(6):
                yield credit + timedelta(days=gap * k)


def business_day_on_or_before(month: date, day_of_month: int) -> date:
    """Employers pay on the Friday before when the date falls on a weekend."""
    following = month.replace(day=28) + timedelta(days=4)
    last = (following - timedelta(days=following.day)).day
    target = month.replace(day=min(day_of_month, last))
    while target.weekday() >= 5:
        target -= timedelta(days=1)
    return target


def infer_income(credits: Iterable[Credit], source: str = "credits") -> IncomePattern:
    by_day: dict[date, int] = {}
    for credit in credits:
        by_day[credit.on] = by_day.get(credit.on, 0) + credit.amount_minor  # split salaries
    days = sorted(by_day)
    amounts = [by_day[d] for d in days]
    if len(days) < MIN_CREDITS:
        return IncomePattern(
            PayKind.UNKNOWN, (), None, int(median(amounts)) if amounts else 0, 0.0, 0.0, 0.0,
            30.0, len(days), days[-1] if days else None, source=source,
        )  # fmt: skip
    gaps = [(b - a).days for a, b in itertools.pairwise(days)]
    amount_cv = _cv(amounts)
    timing_cv = _cv(gaps)
    kind, paydays = _kind([d.day for d in days], gaps)
    consistency = 100.0 * max(0.0, 1.0 - amount_cv - timing_cv)
    if kind is PayKind.IRREGULAR:
        consistency = min(consistency, IRREGULAR_CEILING)
    consistency *= min(1.0, len(days) / FULL_HISTORY)
    return IncomePattern(
        kind=kind,
        paydays=paydays,
        typical_day=paydays[0] if paydays else days[-1].day,
        typical_amount_minor=int(median(amounts)),
        amount_cv=round(amount_cv, 4),
        timing_cv=round(timing_cv, 4),
        consistency=round(consistency, 1),
        cycle_days=float(median(gaps)),
        credits=len(days),
        last_credit=days[-1],
        anchor=days[-1] if kind is PayKind.BIWEEKLY else None,
        source=source,
    )


def _kind(days_of_month: list[int], gaps: list[int]) -> tuple[PayKind, tuple[int, ...]]:
    n = len(days_of_month)
    typical_gap = median(gaps)
    if sum(1 for g in gaps if g == 14) >= 0.8 * len(gaps):
        return PayKind.BIWEEKLY, ()
    first, second = _clusters(days_of_month)
    if (
        second
        and 10 <= typical_gap <= 20
        and first[1] + second[1] >= 0.8 * n
        and min(first[1], second[1]) >= 0.25 * n
    ):
        return PayKind.SEMI_MONTHLY, (first[0], second[0])
    if 25 <= typical_gap <= 35 and first[1] >= 0.75 * n:
        return PayKind.MONTHLY, (first[0],)
    return PayKind.IRREGULAR, ()


def _clusters(days: list[int]) -> tuple[tuple[int, int], tuple[int, int] | None]:
    """(mode day, credits within CLUSTER_REACH of it) for the main and a second payday."""
    counts = Counter(days)
    mode = _mode(counts)
    near = sum(c for d, c in counts.items() if distance(d, mode) <= CLUSTER_REACH)
    rest = Counter({d: c for d, c in counts.items() if distance(d, mode) > CLUSTER_REACH})
    if not rest:
        return (mode, near), None
    other = _mode(rest)
    if distance(other, mode) < 10:
        return (mode, near), None
    other_near = sum(c for d, c in rest.items() if distance(d, other) <= CLUSTER_REACH)
    first, second = sorted([(mode, near), (other, other_near)])
    return first, second


def _mode(counts: Counter) -> int:
    """The most frequent day; a tie goes to the later day (weekends move paydays earlier)."""
    return max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]


def distance(a: int, b: int) -> int:
    """Days between two days of the month, across the month's end (30 and 1 are 2 apart)."""
    d = abs(a - b) % 31
    return min(d, 31 - d)


def _cv(values: list[int]) -> float:
    mean = sum(values) / len(values) if values else 0
    return pstdev(values) / mean if mean and len(values) > 1 else 0.0
