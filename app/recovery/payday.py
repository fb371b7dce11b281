"""A consumer's payday pattern, read from the days of the month their payments went through."""

from collections import Counter
from collections.abc import Iterable
from datetime import date

MIN_APPROVALS = 3
MIN_SHARE = 0.3


def infer_paydays(approved_on: Iterable[date]) -> tuple[int, ...]:
    """The one or two days of the month (±1 day) around which approvals cluster; () if none."""
    days = [d.day for d in approved_on]
    if len(days) < MIN_APPROVALS:
        return ()
    counts = Counter(days)
    smoothed = {day: sum(counts.get(_wrap(day + k), 0) for k in (-1, 0, 1)) for day in range(1, 32)}
    paydays: list[int] = []
    for day, hits in sorted(smoothed.items(), key=lambda kv: (-kv[1], kv[0])):
        if hits < max(2, MIN_SHARE * len(days)) or len(paydays) == 2:
            break
        if all(_distance(day, p) > 3 for p in paydays):
            paydays.append(day)
    return tuple(sorted(paydays))


def days_since_payday(day_of_month: int, paydays: tuple[int, ...]) -> int:
    """0 on payday, growing after it; 15 (mid-cycle) when the pattern is unknown."""
    if not paydays:
        return 15
    return min((day_of_month - p) % 31 for p in paydays)


def _wrap(day: int) -> int:
    return (day - 1) % 31 + 1


def _distance(a: int, b: int) -> int:
    d = abs(a - b) % 31
    return min(d, 31 - d)
