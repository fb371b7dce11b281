"""The rules every money record must pass, on the counter before it writes and on the server
before it stores what a counter pushed: one implementation, so the two sides never disagree.

Each check takes the record as its JSON snapshot (the dict the counter enqueues and the server
publishes) and raises RecordInvalid with the reason in words; it returns None when the record
is sound. What the caller knows about the world (the deployment currency, the clock, how much an
item or a note still allows) is passed in; references that must exist are the caller's to look
up. Unknown extra fields are left alone: newer counters may send more.
"""

import re
import uuid
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from app.domain.credit_notes import REJECTION_REASON_MAX, CreditNoteStatus
from app.domain.errors import UserFacingError
from app.domain.flag_resolutions import MAX_NOTE_LENGTH, Resolution, resolution_problem
from app.domain.money import MAX_MINOR
from app.domain.payments import PaymentStatus, PaymentType, Verification
from app.domain.shifts import ShiftStatus

# A counter's clock may run this far ahead before its records count as "from the future"; the
# counter itself refuses payments beyond its clock-skew blocking limit (15 minutes by default).
CLOCK_TOLERANCE = timedelta(minutes=15)
EARLIEST = date(2000, 1, 1)  # nothing in a utility's books is older; earlier means garbage
NUMBER_MAX = 48  # the counter's number columns
NOTES_MAX = 2000
REASON_MAX = 500
TARGETS = {"Bill": "bill_id", "Service": "service_charge_id", "Installment": "installment_id"}
TARGET_KINDS = {"bill", "service", "installment"}
_CURRENCY = re.compile(r"[A-Z]{3}")


class RecordInvalid(UserFacingError):
    """A record breaks a rule; `reason` says which, in words a supervisor understands."""

    @property
    def reason(self) -> str:
        return self.message


class _Record:
    """Typed reads of one snapshot's fields, each refusing with the field's name."""

    def __init__(self, data: Mapping[str, Any], what: str) -> None:
        if not isinstance(data, Mapping):
            raise RecordInvalid(f"the {what} is not an object")
        self.data, self.what = data, what

    def fail(self, problem: str) -> RecordInvalid:
        return RecordInvalid(f"{self.what}: {problem}")

    def id(self, name: str, *, optional: bool = False) -> uuid.UUID | None:
        value = self.data.get(name)
        if value is None and optional:
            return None
        try:
            return uuid.UUID(str(value)) if isinstance(value, str | uuid.UUID) else _bad()
        except ValueError:
            raise self.fail(f"{name} is not an id ({value!r})") from None

    def minor(self, name: str, *, low: int = 0, optional: bool = False) -> int | None:
        value = self.data.get(name)
        if value is None and optional:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(f"{name} must be a whole number of minor units, not {value!r}")
        if not low <= value < MAX_MINOR:
            bound = "greater than zero" if low == 1 else f"at least {low}"
            raise self.fail(f"{name} must be {bound} and below {MAX_MINOR} ({value})")
        return value

    def text(self, name: str, limit: int, *, optional: bool = False) -> str | None:
        value = self.data.get(name)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{name} is required")
        if len(value) > limit or "\x00" in value:
            raise self.fail(f"{name} is longer than {limit} characters or holds a NUL")
        return value

    def number(self, name: str) -> str:
        value = self.data.get(name)
        sane = (
            isinstance(value, str)
            and 0 < len(value) <= NUMBER_MAX
            and value.isprintable()
            and value == value.strip()
        )
        if not sane:
            raise self.fail(f"{name} {value!r} is not a number the counter could have issued")
        return str(value)

    def choice(self, name: str, allowed: type[StrEnum] | set[str]) -> str:
        value = self.data.get(name)
        words = sorted(str(a) for a in allowed)
        if value not in words:
            raise self.fail(f"{name} {value!r} is not one of {', '.join(words)}")
        return str(value)

    def moment(self, name: str, now: datetime, *, optional: bool = False) -> datetime | None:
        value = self.data.get(name)
        if value is None and optional:
            return None
        try:
            when = datetime.fromisoformat(value) if isinstance(value, str) else _bad()
        except ValueError:
            raise self.fail(f"{name} is not a date and time ({value!r})") from None
        if when.tzinfo is None:
            raise self.fail(f"{name} has no time zone ({value!r})")
        if when.date() < EARLIEST or when > now + CLOCK_TOLERANCE:
            raise self.fail(f"{name} {value} is not a believable time (the time now is {now})")
        return when

    def day(self, name: str, now: datetime, *, future_ok: bool = False) -> date:
        value = self.data.get(name)
        try:
            day = date.fromisoformat(value) if isinstance(value, str) else _bad()
        except ValueError:
            raise self.fail(f"{name} is not a date ({value!r})") from None
        # A local date may run a day ahead of the UTC date in the far east.
        latest = date.max if future_ok else (now + CLOCK_TOLERANCE).date() + timedelta(days=1)
        if not EARLIEST <= day <= latest:
            raise self.fail(f"{name} {value} is not a believable date")
        return day

    def currency(self, currency: str) -> None:
        value = self.data.get("currency")
        if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
            raise self.fail(f"currency {value!r} is not a three-letter code like USD")
        if value != currency:
            raise self.fail(f"currency {value} is not this deployment's currency {currency}")


def _bad() -> Any:
    raise ValueError


# -- payments -------------------------------------------------------------------------------
def check_payment(
    data: Mapping[str, Any],
    *,
    currency: str,
    now: datetime,
    item_limits: Mapping[str, int] | None = None,
) -> None:
    """A payment snapshot: amounts balance, allocations are sound, statuses and dates known.

    `item_limits` maps an item id (as text) to the most one allocation may put on it: what is
    still open on the counter, the item's amount on the server. Leave it None to skip that.
    """
    record = _Record(data, "payment")
    record.id("id")
    record.currency(currency)
    amount = record.minor("amount_minor", low=1)
    assert amount is not None
    record.choice("status", PaymentStatus)
    if data.get("verification") is not None:
        record.choice("verification", Verification)
    record.choice("payment_type", PaymentType)
    record.day("payment_date", now)
    record.moment("recorded_at", now)
    if data.get("source") == "online":  # a gateway's payment: no drawer, no counter numbers
        if data.get("allocations"):
            raise record.fail("an online payment carries no allocations")
        return
    record.id("terminal_id")
    record.id("consumer_id")
    record.id("recorded_by", optional=True)
    for name in ("payment_number", "transaction_number", "receipt_number"):
        record.number(name)
    record.text("notes", NOTES_MAX, optional=True)
    _check_cash(record, amount)
    _check_allocations(record, amount, item_limits)


def _check_cash(record: _Record, amount: int) -> None:
    tendered = record.minor("tendered_minor")
    change = record.minor("change_minor")
    overpaid = record.minor("overpaid_minor")
    assert tendered is not None and change is not None and overpaid is not None
    if tendered != amount + change:
        raise record.fail(
            f"the cash does not balance: tendered {tendered} is not amount {amount} "
            f"plus change {change}"
        )
    if overpaid > amount:
        raise record.fail(f"overpaid {overpaid} is more than the amount {amount}")


def _check_allocations(record: _Record, amount: int, item_limits: Mapping[str, int] | None) -> None:
    allocations = record.data.get("allocations")
    if not isinstance(allocations, list):
        raise record.fail("allocations must be a list")
    column = TARGETS[str(record.data["payment_type"])]
    positive: dict[str, tuple[str, int]] = {}  # allocation id -> (item id, amount)
    reversals: list[tuple[str, str, int, str]] = []
    for index, raw in enumerate(allocations):
        share = _Record(raw, f"payment allocation {index + 1}")
        share.id("id")
        targets = [name for name in TARGETS.values() if share.data.get(name) is not None]
        if targets != [column]:
            raise share.fail(
                f"a {record.data['payment_type']} payment must settle exactly one "
                f"{column.removesuffix('_id').replace('_', ' ')}"
            )
        item = str(share.id(column))
        value = share.data.get("amount_minor")
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            if record.data.get("status") != PaymentStatus.VOIDED.value:
                raise share.fail(
                    f"{value} is negative: only a voided payment's reversal may be negative"
                )
            original = share.id("reversal_of")
            reversals.append((str(share.data["id"]), item, value, str(original)))
            continue
        allocated = share.minor("amount_minor", low=1)
        assert allocated is not None
        if share.data.get("reversal_of") is not None:
            raise share.fail("only a negative allocation can reverse another")
        limit = None if item_limits is None else item_limits.get(item)
        if item_limits is not None and limit is None:
            raise share.fail(f"item {item} is not one this payment may settle")
        if limit is not None and allocated > limit:
            raise share.fail(f"{allocated} is more than the {limit} the item allows")
        positive[str(share.data["id"])] = (item, allocated)
    _check_reversals(record, positive, reversals)
    overpaid = int(record.data["overpaid_minor"])
    settled = sum(a for _, a in positive.values())
    if settled + overpaid != amount:
        raise record.fail(
            f"allocations {settled} plus overpaid {overpaid} do not add up to the amount {amount}"
        )


def _check_reversals(
    record: _Record,
    positive: Mapping[str, tuple[str, int]],
    reversals: list[tuple[str, str, int, str]],
) -> None:
    """A negative allocation is only ever a void's twin of one positive allocation."""
    reversed_ids = [original for *_, original in reversals]
    if len(set(reversed_ids)) != len(reversed_ids):
        raise record.fail("an allocation is reversed more than once")
    for reversal_id, item, value, original in reversals:
        if positive.get(original) != (item, -value):
            raise record.fail(
                f"negative allocation {reversal_id} is not the exact reversal of an "
                "allocation of this payment"
            )


def check_payment_void(data: Mapping[str, Any], *, now: datetime) -> None:
    record = _Record(data, "payment void")
    record.id("payment_id")
    if data.get("status") != PaymentStatus.VOIDED.value:
        raise record.fail(f"status must be Voided, not {data.get('status')!r}")
    record.text("reason", REASON_MAX)
    record.moment("voided_at", now)
    record.id("voided_by")


def check_payment_verification(data: Mapping[str, Any], *, now: datetime) -> None:
    record = _Record(data, "payment verification")
    record.id("payment_id")
    if data.get("verification") != Verification.VERIFIED.value:
        raise record.fail(f"verification must be Verified, not {data.get('verification')!r}")
    record.moment("verified_at", now)
    record.id("verified_by")


# -- credit notes ---------------------------------------------------------------------------
def check_credit_note(
    data: Mapping[str, Any],
    *,
    currency: str,
    now: datetime,
    payment_amount_minor: int | None = None,
) -> None:
    """A credit note snapshot; `payment_amount_minor` is its payment's amount, when known."""
    record = _Record(data, "credit note")
    record.id("id")
    record.number("number")
    record.id("consumer_id")
    record.id("payment_id")  # a note is always credit from one payment (the counter's NOT NULL)
    record.id("created_by", optional=True)
    record.currency(currency)
    amount = record.minor("amount_minor", low=1)
    assert amount is not None
    if payment_amount_minor is not None and amount > payment_amount_minor:
        raise record.fail(f"{amount} is more than its payment's amount {payment_amount_minor}")
    record.choice("status", CreditNoteStatus)
    record.text("reason", 40)
    record.text("remarks", REASON_MAX, optional=True)
    created = record.moment("created_at", now)
    assert created is not None
    if record.day("expires_on", now, future_ok=True) < created.date():
        raise record.fail("it expires before it was created")


def check_credit_note_application(
    data: Mapping[str, Any], *, now: datetime, remaining_minor: int | None = None
) -> None:
    """Credit used against an item; `remaining_minor` is what the note still holds."""
    record = _Record(data, "credit note application")
    record.id("id")
    record.id("credit_note_id")
    record.choice("target_kind", TARGET_KINDS)
    record.id("target_id")
    amount = record.minor("amount_minor", low=1)
    assert amount is not None
    if remaining_minor is not None and amount > remaining_minor:
        raise record.fail(f"{amount} is more than the {remaining_minor} left on the note")
    record.moment("applied_at", now)
    record.id("applied_by")


_DECIDED = {"approved": CreditNoteStatus.ACTIVE.value, "rejected": CreditNoteStatus.REJECTED.value}


def check_credit_note_decision(data: Mapping[str, Any], *, now: datetime) -> None:
    record = _Record(data, "credit note decision")
    record.id("id")
    record.id("credit_note_id")
    decision = record.choice("decision", set(_DECIDED))
    if data.get("status") != _DECIDED[decision]:
        raise record.fail(
            f"a note {decision} becomes {_DECIDED[decision]}, not {data.get('status')!r}"
        )
    record.text("reason", REJECTION_REASON_MAX, optional=decision == "approved")
    record.id("decided_by")
    record.moment("decided_at", now)


# -- shifts and flag resolutions ------------------------------------------------------------
def check_shift(data: Mapping[str, Any], *, currency: str, now: datetime) -> None:
    record = _Record(data, "shift")
    record.id("id")
    record.id("terminal_id")
    record.number("number")
    record.id("cashier_id")
    status = record.choice("status", ShiftStatus)
    record.currency(currency)
    record.minor("opening_float_minor")
    opened = record.moment("opened_at", now)
    closed = record.moment("closed_at", now, optional=status == ShiftStatus.OPEN.value)
    if closed is not None and opened is not None and closed < opened:
        raise record.fail("it closed before it opened")
    for name in ("expected_cash_minor", "counted_cash_minor"):
        record.minor(name, optional=True)
    record.id("closed_by", optional=True)
    record.id("approved_by", optional=True)


def check_flag_resolution(data: Mapping[str, Any], *, now: datetime) -> None:
    record = _Record(data, "flag resolution")
    record.id("flag_id")
    resolution = Resolution(record.choice("resolution", Resolution))
    note = data.get("note", "")
    if not isinstance(note, str) or len(note) > MAX_NOTE_LENGTH:
        raise record.fail(f"note must be text of at most {MAX_NOTE_LENGTH} characters")
    number = None if data.get("credit_note_number") is None else record.number("credit_note_number")
    problem = resolution_problem(resolution, note, number)
    if problem is not None:
        raise record.fail(problem[1])
    record.text("resolved_by", 40)
    record.moment("resolved_at", now)
