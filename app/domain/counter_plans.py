"""Payment plan terms and schedules: the rules a plan made at a counter must pass, applied by the
counter before it writes and by the server before it stores what a counter pushed."""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from dateutil.relativedelta import relativedelta

from app.domain.errors import UserFacingError
from app.domain.money import MAX_MINOR
from app.domain.record_rules import EARLIEST, RecordInvalid
from app.domain.roles import Role

# Who may make and change plans, on the counter and as the server checks a pushed plan: the
# billing manager (spec), the recovery executive who negotiates them (ARCHITECTURE), the admin.
PLAN_MANAGERS = frozenset({Role.BILLING_MANAGER, Role.RECOVERY_EXECUTIVE, Role.ADMIN})
# Cancelling ends the consumer's protection from disconnection: a billing manager's call.
PLAN_CANCELLERS = frozenset({Role.BILLING_MANAGER, Role.ADMIN})
ACTIVE, CANCELLED = "Active", "Cancelled"
REASON_MAX = 200
MAX_INSTALLMENTS = 60
MAX_FIRST_DUE_DAYS = 90  # the first installment falls due within three months of the plan
NOTE_MAX = 500
PROVISIONAL_PREFIX = "PP-NEW-"  # shown until the server gives the plan its PP- number


class Frequency(StrEnum):
    WEEKLY = "Weekly"
    FORTNIGHTLY = "Fortnightly"
    MONTHLY = "Monthly"

    def step(self, index: int) -> relativedelta:
        if self is Frequency.WEEKLY:
            return relativedelta(weeks=index)
        if self is Frequency.FORTNIGHTLY:
            return relativedelta(weeks=2 * index)
        return relativedelta(months=index)  # 31 Jan + 1 month is 28/29 Feb, never 3 Mar


@dataclass(frozen=True)
class PlanTerms:
    total_minor: int  # what the plan collects, down payment included
    down_payment_minor: int
    installment_count: int  # regular installments after the down payment
    frequency: Frequency
    first_due: date
    start: date  # the day the plan is agreed: the down payment falls due then


@dataclass(frozen=True)
class KeptInstallment:
    """An installment a modification may not touch (it has payments or credit on it)."""

    number: int
    amount_minor: int
    due_date: date


@dataclass(frozen=True)
class ScheduledInstallment:
    number: int
    amount_minor: int
    due_date: date
    down_payment: bool = False
    kept: bool = False  # already paid into: carried over unchanged by a modification


def provisional_number(plan_id: uuid.UUID) -> str:
    return f"{PROVISIONAL_PREFIX}{plan_id.hex[-8:].upper()}"


def is_provisional(plan_number: str) -> bool:
    return plan_number.startswith(PROVISIONAL_PREFIX)


def check_cancel_reason(reason: str) -> str:
    """The reason for cancelling a plan, trimmed; it is required and kept in the audit."""
    text = (reason or "").strip()
    if not text:
        raise UserFacingError("Say why the plan is cancelled: a reason is required.")
    if len(text) > REASON_MAX:
        raise UserFacingError(f"The reason can be at most {REASON_MAX} characters.")
    return text


def check_terms(
    terms: PlanTerms, today: date, kept: Sequence[KeptInstallment] = (), paid_minor: int = 0
) -> None:
    """Refuse terms a person can fix, with the reason in words (nothing is written)."""
    kept_total = sum(k.amount_minor for k in kept)
    if terms.total_minor <= 0:
        raise UserFacingError("The plan total must be more than zero.")
    if terms.total_minor >= MAX_MINOR:
        raise UserFacingError("The plan total is too large.")
    if terms.down_payment_minor < 0:
        raise UserFacingError("The down payment cannot be negative.")
    if kept and terms.down_payment_minor:
        raise UserFacingError(
            "Payments were already made on this plan: a down payment can only be set on a "
            "plan nothing has been paid on."
        )
    if not 1 <= terms.installment_count <= MAX_INSTALLMENTS:
        raise UserFacingError(f"Installments must be between 1 and {MAX_INSTALLMENTS}.")
    if terms.total_minor < paid_minor:
        raise UserFacingError(
            "The new total is less than what the consumer has already paid on this plan."
        )
    spread = terms.total_minor - terms.down_payment_minor - kept_total
    if spread <= 0:
        raise UserFacingError(
            "Nothing is left to spread over installments: the down payment or the installments "
            "already paid into cover the whole total."
        )
    if spread < terms.installment_count:
        raise UserFacingError("Each installment must be at least one minor unit of money.")
    if terms.first_due < today:
        raise UserFacingError("The first installment cannot fall due in the past.")
    if terms.first_due > today + timedelta(days=MAX_FIRST_DUE_DAYS):
        raise UserFacingError(
            f"The first installment must fall due within {MAX_FIRST_DUE_DAYS} days."
        )
    if kept and terms.first_due <= max(k.due_date for k in kept):
        raise UserFacingError(
            "The first new installment must fall due after the last installment already paid into."
        )


def build_schedule(
    terms: PlanTerms, kept: Sequence[KeptInstallment] = (), last_number: int = 0
) -> list[ScheduledInstallment]:
    """Kept installments first, then the down payment, then equal installments; the cents that
    do not divide go to the last one, so the schedule adds up to the total exactly."""
    schedule = [
        ScheduledInstallment(k.number, k.amount_minor, k.due_date, kept=True)
        for k in sorted(kept, key=lambda k: k.number)
    ]
    # New installments number on from the plan's last number (`last_number`, replaced ones
    # included): a number is never reused, so "PP-2025-0034/2" always means one installment
    # and a counter applying the change never meets two rows with the same number.
    number = max([last_number, *(k.number for k in kept)])
    if terms.down_payment_minor:
        number += 1
        schedule.append(ScheduledInstallment(number, terms.down_payment_minor, terms.start, True))
    spread = terms.total_minor - terms.down_payment_minor - sum(k.amount_minor for k in kept)
    each, rest = divmod(spread, terms.installment_count)
    for index in range(terms.installment_count):
        last = index == terms.installment_count - 1
        number += 1
        schedule.append(
            ScheduledInstallment(
                number,
                each + (rest if last else 0),
                terms.first_due + terms.frequency.step(index),
            )
        )
    return schedule


# -- the pushed record: the server checks it again ------------------------------------------
def check_plan_record(payload: Mapping[str, Any], today: date | None = None) -> None:
    """A plan snapshot as a counter pushes it: consistent in itself (increasing installment
    numbers, amounts that add up to the total, due dates in order, a known frequency) and,
    given `today`, not made in the future. Raises RecordInvalid."""

    def fail(problem: str) -> RecordInvalid:
        return RecordInvalid(f"payment plan: {problem}")

    try:
        total = _minor(payload, "total_minor")
        down = _minor(payload, "down_payment_minor", low=0)
        Frequency(str(payload.get("frequency")))
        uuid.UUID(str(payload["id"]))
        uuid.UUID(str(payload["consumer_id"]))
        created = date.fromisoformat(str(payload["created_on"]))
    except (KeyError, ValueError, TypeError) as error:
        raise fail(f"a field is missing or malformed ({error})") from None
    # A local date may run a day ahead of the server's UTC date in the far east.
    if not EARLIEST <= created <= (today or date.max - timedelta(days=1)) + timedelta(days=1):
        raise fail(f"created_on {created} is not a believable date")
    note = payload.get("note") or ""
    if not isinstance(note, str) or len(note) > NOTE_MAX:
        raise fail(f"the note is longer than {NOTE_MAX} characters")
    if payload.get("status", ACTIVE) != ACTIVE:
        raise fail("a new or modified plan must be Active")
    rows = payload.get("installments")
    if not isinstance(rows, list) or not 1 <= len(rows) <= 2 * MAX_INSTALLMENTS:
        raise fail("installments must be a non-empty list")
    previous, previous_number = date.min, 0
    for position, row in enumerate(rows, start=1):
        try:
            uuid.UUID(str(row["id"]))
            amount = _minor(row, "amount_minor")
            due = date.fromisoformat(str(row["due_date"]))
            number = row["number"]
        except (KeyError, ValueError, TypeError) as error:
            raise fail(f"installment {position} is malformed ({error})") from None
        if not isinstance(number, int) or isinstance(number, bool) or number <= previous_number:
            raise fail("installment numbers must be positive and increasing")
        if due < previous:
            raise fail(f"installment {number} falls due before installment {previous_number}")
        previous, previous_number, total = due, number, total - amount
    if total != 0:
        raise fail("the installments do not add up to the plan total")
    if down >= _minor(payload, "total_minor"):
        raise fail("the down payment must be less than the plan total")


def check_cancel_record(payload: Mapping[str, Any]) -> None:
    """A cancellation as a counter pushes it: which plan, from which version, and why (the
    terms do not matter: plans loaded from billing may have none). Raises RecordInvalid."""
    try:
        uuid.UUID(str(payload["id"]))
        uuid.UUID(str(payload["consumer_id"]))
        base = payload["base_version"]
    except (KeyError, ValueError, TypeError) as error:
        raise RecordInvalid(
            f"plan cancellation: a field is missing or malformed ({error})"
        ) from None
    if payload.get("status") != CANCELLED:
        raise RecordInvalid("plan cancellation: the status must be Cancelled")
    if not isinstance(base, int) or isinstance(base, bool) or base < 1:
        raise RecordInvalid("plan cancellation: base_version must be a positive whole number")
    reason = payload.get("cancel_reason")
    if not isinstance(reason, str) or not 0 < len(reason.strip()) <= REASON_MAX:
        raise RecordInvalid(
            f"plan cancellation: a reason of 1 to {REASON_MAX} characters is required"
        )


def _minor(data: Mapping[str, Any], name: str, low: int = 1) -> int:
    value = data[name]
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value < MAX_MINOR:
        raise ValueError(f"{name} must be a whole number of minor units of at least {low}")
    return value
