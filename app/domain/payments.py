"""Payment rules: types and statuses, how an amount settles the chosen items, cash change."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from app.domain.errors import UserFacingError
from app.domain.money import format_money


class PaymentType(StrEnum):
    BILL = "Bill"
    SERVICE = "Service"
    INSTALLMENT = "Installment"

    @classmethod
    def parse(cls, text: str) -> "PaymentType":
        if not text or not text.strip():
            raise UserFacingError("Choose the payment type: Bill, Service or Installment.")
        for kind in cls:
            if kind.value.casefold() == text.strip().casefold():
                return kind
        raise UserFacingError(
            f"Unknown payment type '{text}'. Choose Bill, Service or Installment."
        )


class PaymentStatus(StrEnum):
    POSTED = "Posted"
    PENDING = "Pending"
    FAILED = "Failed"
    CANCELLED = "Cancelled"
    VOIDED = "Voided"

    @classmethod
    def parse(cls, text: str) -> "PaymentStatus":
        for status in cls:
            if status.value.casefold() == text.strip().casefold():
                return status
        raise UserFacingError(
            f"Unknown payment status '{text}'. Choose one of: {', '.join(s.value for s in cls)}."
        )


class Verification(StrEnum):
    VERIFIED = "Verified"
    PENDING = "Pending"


class Analysis(StrEnum):
    EXACT = "exact"
    OVER = "over"
    UNDER = "under"


COUNTER_PROCESSING_TIME = "Immediate"


@dataclass(frozen=True)
class Due:
    """One unpaid item offered for payment: a bill, a service charge or an installment."""

    item_id: UUID
    reference: str
    outstanding_minor: int
    due_date: date
    generated_on: date


@dataclass(frozen=True)
class Allocation:
    item_id: UUID
    amount_minor: int
    collection_days: int


@dataclass(frozen=True)
class Settlement:
    """How one payment splits: onto items, into a credit note, back as change."""

    amount_minor: int  # what the consumer pays toward the account
    tendered_minor: int  # what was handed over (equals amount unless cash)
    change_minor: int
    allocations: tuple[Allocation, ...]
    overpaid_minor: int  # kept as a credit note (reason Overpayment)
    outstanding_minor: int  # of the selected items, before this payment

    @property
    def difference_minor(self) -> int:
        return self.amount_minor - self.outstanding_minor

    @property
    def analysis(self) -> Analysis:
        if self.difference_minor == 0:
            return Analysis.EXACT
        return Analysis.OVER if self.difference_minor > 0 else Analysis.UNDER


def settle(
    *,
    amount_minor: int,
    tendered_minor: int | None,
    is_cash: bool,
    dues: list[Due],
    paid_on: date,
    overpayment_threshold_minor: int,
    currency: str,
    locale: str,
    account_balance_minor: int | None = None,
) -> Settlement:
    """Apply the amount to the items oldest-due first; the rest becomes credit, cash gets change.

    The amount may reach the account's whole outstanding balance (when given) plus the allowed
    overpayment, even if fewer items are chosen: what the chosen items do not take is kept as
    credit. Raises UserFacingError for any amount the counter must refuse.
    """

    def money(minor: int) -> str:
        return format_money(minor, currency, locale)

    if not dues:
        raise UserFacingError("Select at least one unpaid item to pay.")
    if amount_minor <= 0:
        raise UserFacingError("Amount must be greater than zero.")
    outstanding = sum(d.outstanding_minor for d in dues)
    owed = max(outstanding, account_balance_minor or 0)
    ceiling = owed + overpayment_threshold_minor
    if amount_minor > ceiling:
        what = "outstanding" if owed == outstanding else "account's outstanding balance"
        raise UserFacingError(
            f"Amount {money(amount_minor)} is more than the {what} {money(owed)} "
            f"plus the allowed overpayment of {money(overpayment_threshold_minor)} "
            f"(at most {money(ceiling)})."
        )
    if tendered_minor is None:
        tendered_minor = amount_minor
    elif not is_cash:
        raise UserFacingError("Amount received and change apply to cash payments only.")
    if tendered_minor < amount_minor:
        raise UserFacingError(
            f"Amount received {money(tendered_minor)} is less than the amount paid "
            f"{money(amount_minor)}."
        )
    allocations = []
    left = amount_minor
    for due in sorted(dues, key=lambda d: (d.due_date, d.reference)):
        if left == 0:
            break
        share = min(left, due.outstanding_minor)
        if share > 0:
            days = max(0, (paid_on - due.generated_on).days)
            allocations.append(Allocation(due.item_id, share, days))
            left -= share
    return Settlement(
        amount_minor=amount_minor,
        tendered_minor=tendered_minor,
        change_minor=tendered_minor - amount_minor,
        allocations=tuple(allocations),
        overpaid_minor=left,
        outstanding_minor=outstanding,
    )


def check_notes(notes: str | None, limit: int) -> str | None:
    if notes is None or not notes.strip():
        return None
    notes = notes.strip()
    if len(notes) > limit:
        raise UserFacingError(f"Notes can be at most {limit} characters (these are {len(notes)}).")
    return notes


def check_payment_date(paid_on: date, today: date) -> date:
    if paid_on > today:
        raise UserFacingError("The payment date cannot be in the future.")
    return paid_on


def backdating_needs_approval(paid_on: date, today: date, days_without_approval: int) -> bool:
    """A payment dated further back than the setting allows (a cheque from last month's drop
    box) needs a supervisor: back-dating moves money between reporting periods."""
    return (today - paid_on).days > days_without_approval


VOID_REASON_MAX = 500
VOID_RULE = "Reverse this payment (same day only)"  # what the Void button says it does


def void_reason_problem(reason: str | None) -> str | None:
    """What is wrong with a reason for voiding, or None: required, at most VOID_REASON_MAX
    characters once trimmed. The void dialog shows it as the supervisor types; the use case
    refuses with the same words."""
    text = (reason or "").strip()
    if not text:
        return "Give the reason for voiding the payment."
    if len(text) > VOID_REASON_MAX:
        return f"The reason can be at most {VOID_REASON_MAX} characters (this one has {len(text)})."
    return None


def void_refusal(status: str, recorded_on: date, today: date, receipt: str) -> str | None:
    """Why a payment cannot be voided, or None when it can: only a posted payment, and only on
    the day it was recorded (later corrections are credit notes). Screens and the void use
    case both ask this, so the button and the rule never disagree."""
    if status != PaymentStatus.POSTED.value:
        return f"Receipt {receipt} is {status.lower()}: only posted payments can be voided."
    if recorded_on != today:
        return (
            f"Receipt {receipt} was recorded on an earlier day: only same-day payments can be "
            "voided. Issue a credit note instead."
        )
    return None
