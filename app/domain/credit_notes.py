"""Credit-note rules: how much may be credited, approval, status from what remains, usage."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TypeVar

from app.domain.errors import UserFacingError

REMARKS_MAX = 500
REJECTION_REASON_MAX = 500


class CreditNoteStatus(StrEnum):
    ACTIVE = "Active"
    APPLIED = "Applied"
    EXPIRED = "Expired"
    CANCELLED = "Cancelled"
    PENDING_APPROVAL = "Pending Approval"  # above the approval amount, until a manager decides
    REJECTED = "Rejected"

    @classmethod
    def parse(cls, text: str) -> "CreditNoteStatus":
        for status in cls:
            if status.value.casefold() == text.strip().casefold():
                return status
        raise UserFacingError(
            f"Unknown credit-note status '{text}'. Choose one of: "
            f"{', '.join(s.value for s in cls)}."
        )


def creditable_minor(payment_amount_minor: int, already_credited_minor: int) -> int:
    """The most a new credit note on this payment may be."""
    return max(0, payment_amount_minor - already_credited_minor)


def check_credit_amount(amount_minor: int, maximum_minor: int, max_text: str) -> None:
    if amount_minor <= 0:
        raise UserFacingError("Credit amount must be greater than zero.")
    if amount_minor > maximum_minor:
        raise UserFacingError(f"Credit amount cannot exceed the maximum of {max_text}.")


def check_remarks(remarks: str | None) -> str | None:
    if remarks is None or not remarks.strip():
        return None
    remarks = remarks.strip()
    if len(remarks) > REMARKS_MAX:
        raise UserFacingError(
            f"Remarks can be at most {REMARKS_MAX} characters (these are {len(remarks)})."
        )
    return remarks


def expiry_date(created_on: date, expiry_days: int) -> date:
    """One year by default; 365 days from 2025-04-20 is 2026-04-20."""
    return created_on + timedelta(days=expiry_days)


# Stored statuses that no amount or date changes: the note is not (or not yet) usable credit.
_HELD = frozenset(
    {CreditNoteStatus.CANCELLED, CreditNoteStatus.PENDING_APPROVAL, CreditNoteStatus.REJECTED}
)


def needs_approval(amount_minor: int, approval_minor: int) -> bool:
    """A credit note above the configured amount waits for a billing manager."""
    return amount_minor > approval_minor


def check_rejection_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise UserFacingError("Give the reason for rejecting the credit note.")
    if len(text) > REJECTION_REASON_MAX:
        raise UserFacingError(
            f"The reason can be at most {REJECTION_REASON_MAX} characters (this is {len(text)})."
        )
    return text


def status_of(
    *,
    amount_minor: int,
    applied_minor: int,
    expires_on: date,
    today: date,
    cancelled: bool = False,
    stored: str | None = None,
) -> CreditNoteStatus:
    """What the note is now; `stored` is the status column (pending, rejected, cancelled hold)."""
    if cancelled:
        return CreditNoteStatus.CANCELLED
    held = next((s for s in _HELD if s.value == stored), None)
    if held is not None:
        return held
    if applied_minor >= amount_minor:
        return CreditNoteStatus.APPLIED
    if today > expires_on:
        return CreditNoteStatus.EXPIRED
    return CreditNoteStatus.ACTIVE


def usage_percent(applied_minor: int, amount_minor: int) -> Decimal:
    """Applied / original x 100, to one decimal place."""
    if amount_minor <= 0:
        return Decimal("0.0")
    ratio = Decimal(applied_minor) * 100 / Decimal(amount_minor)
    return ratio.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# -- the Credit Notes tab's filters ---------------------------------------------------------
_E = TypeVar("_E", bound=StrEnum)


def _choose(kind: type[_E], text: str, what: str) -> _E:
    wanted = " ".join(text.replace("_", " ").replace("-", " ").split()).casefold()
    for member in kind:
        if wanted in (member.value.casefold(), *_ALIASES.get(member.value, ())):
            return member
    raise UserFacingError(
        f"Unknown {what} '{text}'. Choose one of: {', '.join(m.value for m in kind)}."
    )


class CreatedPeriod(StrEnum):
    TODAY = "Today"
    THIS_WEEK = "This Week"
    THIS_MONTH = "This Month"
    CUSTOM = "Custom"

    @classmethod
    def parse(cls, text: str) -> "CreatedPeriod":
        return _choose(cls, text, "date range")


class RemainingFilter(StrEnum):
    FULLY_USED = "Fully Used"  # remaining = 0
    PARTIAL = "Partial"  # 0 < remaining < amount
    FULL = "Full"  # remaining = amount

    @classmethod
    def parse(cls, text: str) -> "RemainingFilter":
        return _choose(cls, text, "remaining filter")


_ALIASES = {
    "Fully Used": ("used",),
    "Partial": ("partial remaining", "partially used"),
    "Full": ("full remaining", "unused"),
    "Custom": ("custom range",),
    "This Week": ("week",),
    "This Month": ("month",),
}


def created_window(
    period: CreatedPeriod | None,
    *,
    today: date,
    date_from: date | None = None,
    date_to: date | None = None,
    first_weekday: int = 0,
) -> tuple[date | None, date | None]:
    """The created-date bounds, both inclusive; a week starts on the locale's first day."""
    if period is CreatedPeriod.TODAY:
        return today, today
    if period is CreatedPeriod.THIS_WEEK:
        return today - timedelta(days=(today.weekday() - first_weekday) % 7), today
    if period is CreatedPeriod.THIS_MONTH:
        return today.replace(day=1), today
    if period is CreatedPeriod.CUSTOM and (date_from is None or date_to is None):
        raise UserFacingError("A custom date range needs both a 'from' and a 'to' date.")
    if date_from and date_to and date_from > date_to:
        raise UserFacingError("The 'from' date must be on or before the 'to' date.")
    return date_from, date_to


def check_amount_range(minimum_minor: int | None, maximum_minor: int | None) -> None:
    for label, value in (("minimum", minimum_minor), ("maximum", maximum_minor)):
        if value is not None and value < 0:
            raise UserFacingError(f"The {label} amount cannot be negative.")
    if minimum_minor is not None and maximum_minor is not None and minimum_minor > maximum_minor:
        raise UserFacingError("The minimum amount must not be more than the maximum amount.")
