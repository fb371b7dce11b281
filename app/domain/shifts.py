"""Cash shifts as pure rules: denominations per currency, expected against counted, approvals.

A shift is one cashier's stretch at one terminal's drawer. Cash is reconciled note by note,
every other method kind as one total (the card terminal's batch slip, the cheques in the tray),
so a shortage in cash is never hidden by an overage in cards.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.domain.documents import DenominationCount, MethodReconciliation
from app.domain.errors import UserFacingError
from app.domain.money import decimal_text, format_money, minor_digits, parse_amount
from app.domain.numbering import NumberFormat

# Shift numbers read like the other numbers of a terminal; not a setting (yet).
SHIFT_NUMBER_FORMAT = NumberFormat("SH-{TERM}-{SEQ:4}")
MAX_COUNT = 100_000  # pieces of one denomination: more is a typing slip
MAX_REASON = 200
KIND_LABELS = {
    "cash": "Cash",
    "card": "Card",
    "cheque": "Cheque",
    "transfer": "Transfer",
    "wallet": "Wallet",
}


class ShiftStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class MovementKind(StrEnum):
    IN = "in"
    OUT = "out"

    @property
    def label(self) -> str:
        return "Cash in" if self is MovementKind.IN else "Cash out"


class ApprovalReason(StrEnum):
    DIFFERENCE = "difference"  # counted is off by more than the threshold
    UNSENT = "unsent"  # payments of the shift are still waiting in the outbox


@dataclass(frozen=True)
class Denomination:
    label: str
    value_minor: int


def _table(
    sign: str, cents: str, notes: tuple[int, ...], coins: tuple[int, ...], digits: int = 2
) -> tuple[Denomination, ...]:
    """Notes and large coins in whole units ('$20'), small coins in minor units ('25¢')."""
    whole = tuple(Denomination(f"{sign}{n}", n * 10**digits) for n in notes)
    return whole + tuple(Denomination(f"{c}{cents}", c) for c in coins)


# Notes and coins in circulation, largest first. Data, not code: add a currency here.
DENOMINATIONS: Mapping[str, tuple[Denomination, ...]] = {
    "USD": _table("$", "¢", (100, 50, 20, 10, 5, 2, 1), (25, 10, 5, 1)),
    "INR": _table("₹", "p", (500, 200, 100, 50, 20, 10, 5, 2, 1), ()),
    "EUR": _table("€", "c", (200, 100, 50, 20, 10, 5, 2, 1), (50, 20, 10, 5, 2, 1)),
    "GBP": _table("£", "p", (50, 20, 10, 5, 2, 1), (50, 20, 10, 5, 2, 1)),
}


def denominations(currency: str) -> tuple[Denomination, ...]:
    """The notes and coins to count; for a currency not in the table, whole units and cents."""
    known = DENOMINATIONS.get(currency)
    if known is not None:
        return known
    digits = minor_digits(currency)
    whole = (Denomination(f"1 {currency}", 10**digits),)
    return whole + ((Denomination(f"0.{'0' * (digits - 1)}1", 1),) if digits else ())


def check_count(count: int, label: str) -> int:
    if not 0 <= count <= MAX_COUNT:
        raise UserFacingError(f"The count of {label} must be between 0 and {MAX_COUNT}.")
    return count


def cash_count(currency: str, counts: Mapping[int, int]) -> tuple[DenominationCount, ...]:
    """Counts by face value (minor units) checked against the currency's notes and coins."""
    known = {d.value_minor: d for d in denominations(currency)}
    for value in counts:
        if value not in known:
            face = decimal_text(value, currency)
            raise UserFacingError(f"There is no {currency} {face} note or coin to count.")
    return tuple(
        DenominationCount(
            d.label, d.value_minor, check_count(counts.get(d.value_minor, 0), d.label)
        )
        for d in denominations(currency)
    )


def parse_count(text: str, currency: str) -> tuple[int, int]:
    """'100x2' (two $100 notes) or '0.25x4' into (face value in minor units, pieces)."""
    face, sep, pieces = text.strip().lower().partition("x")
    if not sep or not pieces.strip().isdigit():
        raise UserFacingError(f"Write a count as FACExPIECES, like 20x5, not '{text}'.")
    value = parse_amount(face, currency, field="Face value")
    return value, int(pieces)


def counted_cash(count: Sequence[DenominationCount]) -> int:
    return sum(c.total_minor for c in count)


def check_float(minor: int) -> int:
    if minor < 0:
        raise UserFacingError("The opening float cannot be negative.")
    return minor


def check_movement(amount_minor: int, reason: str | None) -> str:
    """A cash in or out needs an amount and a reason a supervisor can follow later."""
    if amount_minor <= 0:
        raise UserFacingError("The amount must be greater than zero.")
    text = (reason or "").strip()
    if not text:
        raise UserFacingError("Give a reason for the cash movement.")
    if len(text) > MAX_REASON:
        raise UserFacingError(f"The reason can be at most {MAX_REASON} characters.")
    return text


def expected_cash(
    *, opening_float_minor: int, cash_taken_minor: int, cash_in_minor: int, cash_out_minor: int
) -> int:
    """What the drawer should hold: the float, cash payments (tendered less change), in, out."""
    return opening_float_minor + cash_taken_minor + cash_in_minor - cash_out_minor


@dataclass(frozen=True)
class MethodTakings:
    """Payments of one method in a shift: how many and how much (cash net of change)."""

    method: str
    kind: str
    payments: int
    amount_minor: int


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.title())


def reconcile(
    *,
    kinds: Sequence[str],
    takings: Sequence[MethodTakings],
    expected_cash_minor: int,
    counted: Mapping[str, int],
) -> tuple[MethodReconciliation, ...]:
    """Expected against counted per method kind, in the order the kinds are given."""
    shown = list(dict.fromkeys([*kinds, *(t.kind for t in takings)]))
    rows = []
    for kind in shown:
        mine = [t for t in takings if t.kind == kind]
        expected = expected_cash_minor if kind == "cash" else sum(t.amount_minor for t in mine)
        rows.append(
            MethodReconciliation(
                method=kind_label(kind),
                payments=sum(t.payments for t in mine),
                expected_minor=expected,
                counted_minor=counted.get(kind, 0),
            )
        )
    return tuple(rows)


def total_difference(rows: Iterable[MethodReconciliation]) -> int:
    """How far the count is off in all: a shortage here and an overage there both count."""
    return sum(abs(r.difference_minor) for r in rows)


def approval_reasons(
    *, off_by_minor: int, threshold_minor: int, unsent_payments: int
) -> tuple[ApprovalReason, ...]:
    reasons = []
    if off_by_minor > threshold_minor:
        reasons.append(ApprovalReason.DIFFERENCE)
    if unsent_payments > 0:
        reasons.append(ApprovalReason.UNSENT)
    return tuple(reasons)


def approval_text(
    reason: ApprovalReason,
    *,
    off_by_minor: int,
    threshold_minor: int,
    unsent_payments: int,
    currency: str,
    locale: str,
) -> str:
    """Why a supervisor must approve, as the cashier and the supervisor read it."""
    if reason is ApprovalReason.DIFFERENCE:
        off = format_money(off_by_minor, currency, locale)
        allowed = format_money(threshold_minor, currency, locale)
        return f"The count is off by {off} in all, more than the {allowed} allowed."
    noun = "payment" if unsent_payments == 1 else "payments"
    verb = "is" if unsent_payments == 1 else "are"
    return f"{unsent_payments} {noun} of this shift {verb} not sent to the central office yet."


class ApprovalRequired(UserFacingError):
    """The close needs a supervisor's PIN; the screen asks for it and tries again."""

    def __init__(
        self, message: str, reasons: tuple[ApprovalReason, ...], texts: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.reasons = reasons
        self.texts = texts  # one sentence per reason, for the approval dialog
