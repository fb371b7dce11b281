"""What a printed receipt, credit note or shift report says, decided once for every renderer."""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from app.domain.money import format_money

# Not a secret: the payment id the code is derived from is never printed, so only someone
# holding the payment record can produce the code that matches a receipt.
_VERIFICATION_KEY = b"tilldesk/document-verification/v1"
_CODE_LENGTH = 10
_ODD_SPACES = str.maketrans({"\u202f": " ", "\u00a0": " ", "\u2009": " "})


@dataclass(frozen=True)
class Row:
    """One printed line pair: a label on the left, its value (often an amount) on the right."""

    label: str
    value: str = ""
    detail: str | None = None  # a second, quieter line under the label: period, date, reason
    strong: bool = False  # totals and the figures a cashier points at


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Row, ...]


@dataclass(frozen=True, kw_only=True)
class PrintDocument:
    """The layout every renderer draws in this order: nothing is decided by a renderer."""

    title: str  # PAYMENT RECEIPT, CREDIT NOTE, SHIFT REPORT (Z)
    number: str  # the number people read: R-T01-0001, CN-T01-00001
    header: tuple[str, ...] = ()  # utility name first, then address, tax id
    logo: str | None = None  # base64 PNG from the receipt logo setting, drawn above the header
    copy_mark: str | None = None  # set on reprints only
    sections: tuple[Section, ...] = ()
    notices: tuple[str, ...] = ()  # short warnings: provisional balance, voided
    footer: tuple[str, ...] = ()
    qr_payload: str | None = None
    barcode_data: str | None = None  # Code 128
    verification_caption: str | None = None  # printed under the codes
    open_drawer: bool = False  # pulse the cash drawer after printing


@dataclass(frozen=True, kw_only=True)
class ReceiptDocument(PrintDocument):
    receipt_number: str
    payment_number: str
    transaction_number: str
    currency: str
    amount_minor: int
    is_cash: bool
    verification_code: str
    reprint: int = 0
    balance_after_minor: int = 0
    provisional_balance: bool = False


@dataclass(frozen=True, kw_only=True)
class CreditNoteDocument(PrintDocument):
    credit_note_number: str
    linked_receipt: str
    currency: str
    amount_minor: int
    applied_minor: int
    remaining_minor: int
    status: str
    verification_code: str
    reprint: int = 0


@dataclass(frozen=True)
class MethodReconciliation:
    """Expected against counted for one payment method at shift close."""

    method: str
    payments: int
    expected_minor: int
    counted_minor: int

    @property
    def difference_minor(self) -> int:
        return self.counted_minor - self.expected_minor


@dataclass(frozen=True)
class DenominationCount:
    label: str  # "$20", "25c"
    value_minor: int
    count: int

    @property
    def total_minor(self) -> int:
        return self.value_minor * self.count


@dataclass(frozen=True)
class CashMovement:
    """Cash put into or taken out of the drawer during the shift, with its reason."""

    at: datetime
    amount_minor: int  # positive in, negative out
    reason: str
    by: str


@dataclass(frozen=True, kw_only=True)
class ShiftReportDocument(PrintDocument):
    """The Z report printed when a cashier closes a shift (layout built by the shift service)."""

    shift_number: str
    terminal_code: str
    cashier: str
    opened_at: datetime
    closed_at: datetime
    currency: str
    opening_float_minor: int
    movements: tuple[CashMovement, ...]
    denominations: tuple[DenominationCount, ...]
    reconciliations: tuple[MethodReconciliation, ...]
    approved_by: str | None = None  # supervisor, when the difference needed a PIN
    reprint: int = 0

    @property
    def difference_minor(self) -> int:
        return sum(r.difference_minor for r in self.reconciliations)


def verification_code(record_id: UUID, number: str, amount_minor: int) -> str:
    """A short code tying a printed number and amount to the record: 'ABCDE-FGH23'."""
    message = f"{record_id}|{number}|{amount_minor}".encode()
    digest = hmac.new(_VERIFICATION_KEY, message, hashlib.sha256).digest()
    code = base64.b32encode(digest).decode()[:_CODE_LENGTH]
    return f"{code[:5]}-{code[5:]}"


def code_matches(code: str, record_id: UUID, number: str, amount_minor: int) -> bool:
    """Whether a code read off a paper document belongs to this record."""
    expected = verification_code(record_id, number, amount_minor)
    typed = code.strip().upper().replace(" ", "")
    return hmac.compare_digest(typed.replace("-", ""), expected.replace("-", ""))


def qr_payload(number: str, code: str) -> str:
    """What the QR code carries: the document number and its verification code."""
    return f"TILLDESK:{number}:{code}"


def copy_mark(reprint: int) -> str | None:
    """The first print is the original; every later one says which copy it is."""
    return None if reprint <= 0 else f"COPY - reprint {reprint}"


@dataclass(frozen=True)
class Formats:
    """How amounts, dates and times read at this service center (Babel, local time)."""

    currency: str
    locale: str
    timezone: str

    def money(self, minor: int) -> str:
        return format_money(minor, self.currency, self.locale)

    def date(self, value: date) -> str:
        return format_date(value, "medium", locale=self.locale).translate(_ODD_SPACES)

    def time(self, instant: datetime) -> str:
        local = instant.astimezone(ZoneInfo(self.timezone))
        return format_time(local, "short", locale=self.locale).translate(_ODD_SPACES)

    def local_date(self, instant: datetime) -> str:
        return self.date(instant.astimezone(ZoneInfo(self.timezone)).date())

    def moment(self, instant: datetime) -> str:
        """'Apr 20, 2025 10:00 AM' in the service center's time zone."""
        return f"{self.local_date(instant)} {self.time(instant)}"


def header_lines(text: str) -> tuple[str, ...]:
    """The receipt header setting, one printed line per line typed (blank lines dropped)."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())
