"""Credit-note rules: how much may be credited, status from what remains, usage, expiry."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from app.domain.errors import UserFacingError

REMARKS_MAX = 500


class CreditNoteStatus(StrEnum):
    ACTIVE = "Active"
    APPLIED = "Applied"
    EXPIRED = "Expired"
    CANCELLED = "Cancelled"

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


def status_of(
    *, amount_minor: int, applied_minor: int, expires_on: date, today: date, cancelled: bool
) -> CreditNoteStatus:
    if cancelled:
        return CreditNoteStatus.CANCELLED
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
