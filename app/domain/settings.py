"""Counter settings as one validated, frozen value: loaded once, checked with clear messages."""

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.numbers import list_currencies

from app.domain.errors import UserFacingError
from app.domain.numbering import DEFAULT_FORMATS, SERIES, NumberFormat

METHOD_KINDS = ("cash", "card", "cheque", "transfer", "wallet")


@dataclass(frozen=True)
class PaymentMethod:
    name: str
    kind: str  # one of METHOD_KINDS: decides cash handling, drawer, verification

    @property
    def is_cash(self) -> bool:
        return self.kind == "cash"


DEFAULT_METHODS = (
    PaymentMethod("Cash", "cash"),
    PaymentMethod("Credit Card", "card"),
    PaymentMethod("Debit Card", "card"),
    PaymentMethod("Cheque", "cheque"),
    PaymentMethod("Bank Transfer", "transfer"),
    PaymentMethod("Mobile Wallet", "wallet"),
)
DEFAULT_CHANNELS = ("Walk-in", "Phone", "Drop Box", "Field Collection", "Mail")
DEFAULT_REASONS = (
    "Overpayment",
    "Duplicate Payment",
    "Billing Error",
    "Billing Adjustment",
    "Refund Request",
    "Customer Request",
    "Other",
)


@dataclass(frozen=True)
class Settings:
    channels: tuple[str, ...] = DEFAULT_CHANNELS
    default_channel: str = "Walk-in"
    methods: tuple[PaymentMethod, ...] = DEFAULT_METHODS
    number_formats: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_FORMATS))
    overpayment_threshold_minor: int = 50_000
    credit_note_reasons: tuple[str, ...] = DEFAULT_REASONS
    credit_note_expiry_days: int = 365
    credit_note_approval_minor: int = 10_000  # above this a billing manager must approve
    shift_difference_threshold_minor: int = 500  # a larger count difference needs a supervisor
    blind_shift_close: bool = True  # the close count shows expected figures only once counted
    idle_lock_minutes: int = 5
    clock_skew_warn_seconds: int = 120  # the status bar warns about the counter's clock
    clock_skew_block_seconds: int = 900  # payments are refused until the clock is fixed
    notes_max_length: int = 250
    backdate_days_without_approval: int = 3  # an older payment date needs a supervisor
    reconciliation_window_days: int = 3  # a bank line matches a counter item this many days off
    payment_alert_hours: int = 24  # an online payment Pending or Failed longer is an exception
    currency: str = "USD"
    locale: str = "en_US"
    timezone: str = "America/New_York"
    receipt_header: str = "Tilldesk Utility Service Center"
    receipt_footer: str = "Thank you for your payment."
    receipt_logo: str = ""  # base64 PNG printed above the header; "" for none

    def __post_init__(self) -> None:
        _validate(self)

    # -- lookups, case-insensitive as people type them ------------------------------
    def method(self, name: str) -> PaymentMethod:
        if not name or not name.strip():
            raise UserFacingError("Choose the payment method.")
        for method in self.methods:
            if method.name.casefold() == name.strip().casefold():
                return method
        allowed = ", ".join(m.name for m in self.methods)
        raise UserFacingError(f"Unknown payment method '{name}'. Choose one of: {allowed}.")

    def channel(self, name: str | None) -> str:
        if name is None or not name.strip():
            return self.default_channel
        for channel in self.channels:
            if channel.casefold() == name.strip().casefold():
                return channel
        raise UserFacingError(
            f"Unknown channel '{name}'. Choose one of: {', '.join(self.channels)}."
        )

    def reason(self, name: str | None) -> str:
        if name is None or not name.strip():
            raise UserFacingError("Choose a reason for the credit note.")
        for reason in self.credit_note_reasons:
            if reason.casefold() == name.strip().casefold():
                return reason
        raise UserFacingError(
            f"Unknown credit-note reason '{name}'. Choose one of: "
            f"{', '.join(self.credit_note_reasons)}."
        )

    def number_format(self, series: str) -> NumberFormat:
        return NumberFormat(self.number_formats[series])

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    # -- storage ---------------------------------------------------------------------
    def to_mapping(self) -> dict[str, Any]:
        return {
            "channels": list(self.channels),
            "default_channel": self.default_channel,
            "methods": [{"name": m.name, "kind": m.kind} for m in self.methods],
            "number_formats": dict(self.number_formats),
            "overpayment_threshold_minor": self.overpayment_threshold_minor,
            "credit_note_reasons": list(self.credit_note_reasons),
            "credit_note_expiry_days": self.credit_note_expiry_days,
            "credit_note_approval_minor": self.credit_note_approval_minor,
            "shift_difference_threshold_minor": self.shift_difference_threshold_minor,
            "blind_shift_close": self.blind_shift_close,
            "idle_lock_minutes": self.idle_lock_minutes,
            "clock_skew_warn_seconds": self.clock_skew_warn_seconds,
            "clock_skew_block_seconds": self.clock_skew_block_seconds,
            "notes_max_length": self.notes_max_length,
            "backdate_days_without_approval": self.backdate_days_without_approval,
            "reconciliation_window_days": self.reconciliation_window_days,
            "payment_alert_hours": self.payment_alert_hours,
            "currency": self.currency,
            "locale": self.locale,
            "timezone": self.timezone,
            "receipt_header": self.receipt_header,
            "receipt_footer": self.receipt_footer,
            "receipt_logo": self.receipt_logo,
        }

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> "Settings":
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(values) - known)
        if unknown:
            raise UserFacingError(f"Unknown setting(s): {', '.join(unknown)}.")
        kwargs = dict(values)
        for key in ("channels", "credit_note_reasons"):
            if key in kwargs:
                kwargs[key] = tuple(kwargs[key])
        if "methods" in kwargs:
            kwargs["methods"] = tuple(
                m if isinstance(m, PaymentMethod) else PaymentMethod(m["name"], m["kind"])
                for m in kwargs["methods"]
            )
        if "number_formats" in kwargs:
            kwargs["number_formats"] = {**DEFAULT_FORMATS, **kwargs["number_formats"]}
        return cls(**kwargs)


def _validate(s: Settings) -> None:
    _require_names("channel", s.channels)
    if s.default_channel not in s.channels:
        raise UserFacingError(f"The default channel '{s.default_channel}' is not in the list.")
    _require_names("payment method", tuple(m.name for m in s.methods))
    for method in s.methods:
        if method.kind not in METHOD_KINDS:
            raise UserFacingError(
                f"Payment method '{method.name}' has unknown kind '{method.kind}'. "
                f"Use one of: {', '.join(METHOD_KINDS)}."
            )
    _require_names("credit-note reason", s.credit_note_reasons)
    if "Overpayment" not in s.credit_note_reasons:
        raise UserFacingError("The credit-note reason 'Overpayment' cannot be removed.")
    for series in SERIES:
        if series not in s.number_formats:
            raise UserFacingError(f"A number format for '{series}' is required.")
        NumberFormat(s.number_formats[series])
    if not 0 <= s.overpayment_threshold_minor <= 10**12:
        raise UserFacingError("The allowable overpayment threshold must be zero or more.")
    if not 1 <= s.credit_note_expiry_days <= 3650:
        raise UserFacingError("Credit-note expiry must be between 1 and 3650 days.")
    if not 0 <= s.credit_note_approval_minor <= 10**12:
        raise UserFacingError("The credit-note approval amount must be zero or more.")
    if not 0 <= s.shift_difference_threshold_minor <= 10**12:
        raise UserFacingError("The shift difference threshold must be zero or more.")
    if not isinstance(s.blind_shift_close, bool):
        raise UserFacingError("The blind shift close setting must be true or false.")
    if not 1 <= s.idle_lock_minutes <= 240:
        raise UserFacingError("The idle lock must be between 1 and 240 minutes.")
    if not 1 <= s.clock_skew_warn_seconds <= s.clock_skew_block_seconds <= 86_400:
        raise UserFacingError(
            "The clock-skew warning must be at least 1 second and no more than the blocking "
            "limit, which is at most 86400 seconds."
        )
    if not 1 <= s.notes_max_length <= 2000:
        raise UserFacingError("The notes limit must be between 1 and 2000 characters.")
    if not 0 <= s.backdate_days_without_approval <= 366:
        raise UserFacingError("Back-dating without approval must be between 0 and 366 days.")
    if not 0 <= s.reconciliation_window_days <= 31:
        raise UserFacingError("The reconciliation date window must be between 0 and 31 days.")
    if not 1 <= s.payment_alert_hours <= 720:
        raise UserFacingError("The payment alert threshold must be between 1 and 720 hours.")
    try:
        Locale.parse(s.locale)
    except (UnknownLocaleError, ValueError):
        raise UserFacingError(f"Unknown locale '{s.locale}'.") from None
    if s.currency not in list_currencies():
        raise UserFacingError(f"Unknown currency '{s.currency}': use an ISO code like USD.")
    try:
        ZoneInfo(s.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserFacingError(f"Unknown time zone '{s.timezone}'.") from None
    if s.receipt_logo:
        check_logo(s.receipt_logo)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_LOGO_BYTES = 64 * 1024  # a receipt logo is a few KB; anything bigger was not prepared


def check_logo(logo: str) -> bytes:
    """The stored logo's PNG bytes; refuses text that is not a small base64 PNG."""
    try:
        data = base64.b64decode(logo, validate=True)
    except (binascii.Error, ValueError):
        raise UserFacingError(
            "The receipt logo is not a stored image: choose the file again."
        ) from None
    if not data.startswith(PNG_SIGNATURE):
        raise UserFacingError("The receipt logo must be stored as PNG: choose the file again.")
    if len(data) > MAX_LOGO_BYTES:
        raise UserFacingError("The receipt logo is too large: use a simple image under 64 KB.")
    return data


def _require_names(what: str, names: tuple[str, ...]) -> None:
    if not names:
        raise UserFacingError(f"At least one {what} is required.")
    folded = [n.strip().casefold() for n in names]
    if any(not n for n in folded):
        raise UserFacingError(f"A {what} name cannot be empty.")
    if len(set(folded)) != len(folded):
        raise UserFacingError(f"Each {what} name must be unique.")
