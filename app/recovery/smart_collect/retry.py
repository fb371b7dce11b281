"""Smart retries: after the predicted credit for low balance, next day for technical trouble."""

from dataclasses import dataclass
from datetime import date, timedelta

from app.recovery.smart_collect.income import IncomePattern

MAX_RETRIES = 4  # attempts before the case is escalated to a person
MIN_SPACING, MAX_SPACING = 2, 5  # days between retries when no credit is predicted
DEFAULT_SPACING = 3
NEW_METHOD_CATEGORIES = ("hard", "expired_or_invalid", "fraud")


@dataclass(frozen=True)
class RetryPlan:
    at: date | None  # None: no retry on this instrument
    reason: str
    escalate: bool = False


def spacing(pattern: IncomePattern) -> int:
    """A quarter of the cash-flow cycle, between 2 and 5 days."""
    if not pattern.credits:
        return DEFAULT_SPACING
    return min(MAX_SPACING, max(MIN_SPACING, round(pattern.cycle_days / 4)))


def next_retry(category: str, failed_on: date, retries: int, pattern: IncomePattern) -> RetryPlan:
    """When to try again after a decline on `failed_on`, `retries` attempts made so far."""
    if retries >= MAX_RETRIES:
        return RetryPlan(None, f"{retries} attempts made: escalate instead of retrying", True)
    if category in NEW_METHOD_CATEGORIES:
        return RetryPlan(None, "the instrument cannot be charged again: ask for a new method")
    if category == "technical":
        return RetryPlan(failed_on + timedelta(days=1), "technical failure: retry the next day")
    earliest = failed_on + timedelta(days=MIN_SPACING)
    if category == "insufficient_funds":
        credit = pattern.next_credit(failed_on + timedelta(days=1))
        if credit is not None:
            # A credit further off than 5 days still wins: retrying before it fails again.
            at = max(earliest, credit + timedelta(days=1))
            return RetryPlan(at, f"low balance: retry the day after the credit due {credit}")
    days = spacing(pattern)
    return RetryPlan(
        failed_on + timedelta(days=days), f"retry in {days} days (cash-flow cycle spacing)"
    )
