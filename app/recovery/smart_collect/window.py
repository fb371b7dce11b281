"""The optimal collection window: payday +2 to +7 days, as sure as the income is consistent."""

from dataclasses import dataclass
from datetime import date, timedelta

from app.recovery.smart_collect.income import IncomePattern, PayKind

START_AFTER_PAYDAY = 2  # the credit has landed and the first standing orders have gone
END_AFTER_PAYDAY = 7  # the balance is still high before the month's spending wears it down


@dataclass(frozen=True)
class CollectionWindow:
    payday: date
    start: date
    end: date
    confidence: float  # 0-100, from the income's consistency
    reason: str

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def window_after(pattern: IncomePattern, payday: date) -> CollectionWindow:
    credit = f"{pattern.kind.value.replace('_', '-')} credit"
    return CollectionWindow(
        payday=payday,
        start=payday + timedelta(days=START_AFTER_PAYDAY),
        end=payday + timedelta(days=END_AFTER_PAYDAY),
        confidence=pattern.consistency,
        reason=f"High balance expected after the {credit} on {payday:%Y-%m-%d} "
        f"(day {payday.day}); income consistency {pattern.consistency:.0f}/100",
    )


def window_for(pattern: IncomePattern, scheduled: date) -> CollectionWindow | None:
    """The window of the cycle a collection falls in (its last payday on or before it)."""
    if pattern.kind is PayKind.UNKNOWN:
        return None
    payday = pattern.credit_on_or_before(scheduled)
    return window_after(pattern, payday) if payday is not None else None


def next_window(pattern: IncomePattern, today: date) -> CollectionWindow | None:
    """The earliest window not over yet; when today is inside one it starts today."""
    if pattern.kind is PayKind.UNKNOWN:
        return None
    current = window_for(pattern, today)
    if current is not None and current.end >= today:
        if current.start < today:
            return CollectionWindow(
                current.payday, today, current.end, current.confidence, current.reason
            )
        return current
    payday = pattern.next_credit(today - timedelta(days=START_AFTER_PAYDAY - 1))
    if payday is None:
        return None
    window = window_after(pattern, payday)
    return window if window.end >= today else None
