"""A recovery case as the engine sees it: what is owed, on what instrument, how it went so far."""

from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median

from app.recovery.codes import Category, Classification
from app.recovery.message_ledger import Recipient

HIGH_VALUE_FACTOR = 10


@dataclass
class RecoveryCase:
    case_id: str
    consumer_id: str
    amount_minor: int
    currency: str
    method: str
    gateway: str
    network: str
    card_type: str
    failed_at: datetime
    code: str
    advice_code: str
    product: str
    due_date: date | None
    decline: Classification
    recipient: Recipient
    vip: bool = False
    high_value: bool = False
    size: float = 1.0  # the amount over its currency's median case amount
    paydays: tuple[int, ...] = ()
    preferred_channels: tuple[str, ...] = ("email", "sms", "whatsapp")
    owed_minor: int = 0
    retries: int = 0
    messages: int = 0
    link_messages: int = 0
    last_attempt_at: datetime | None = None
    code_changed: bool = False
    instrument_changed: bool = False
    planned_at: datetime | None = None
    last_message_at: datetime | None = None
    recovered_minor: int = 0
    first_category: Category = field(init=False)

    def __post_init__(self) -> None:
        self.first_category = self.decline.category
        if not self.owed_minor:
            self.owed_minor = self.amount_minor
        if self.last_attempt_at is None:
            self.last_attempt_at = self.failed_at

    @property
    def segment(self) -> str:
        if self.high_value:
            return "high_value"
        return "vip" if self.vip else "standard"

    def record_decline(self, code: str, decline: Classification, at: datetime) -> None:
        self.code_changed = code != self.code
        self.code, self.decline, self.last_attempt_at = code, decline, at

    def record_payment(self, amount_minor: int) -> None:
        paid = min(amount_minor, self.owed_minor)
        self.owed_minor -= paid
        self.recovered_minor += paid


def mark_high_value(cases: list[RecoveryCase]) -> None:
    """High value: at least 10x the median case amount of its currency."""
    by_currency: dict[str, list[int]] = {}
    for case in cases:
        by_currency.setdefault(case.currency, []).append(case.amount_minor)
    medians = {currency: median(amounts) for currency, amounts in by_currency.items()}
    for case in cases:
        case.high_value = case.amount_minor >= HIGH_VALUE_FACTOR * medians[case.currency]
        case.size = case.amount_minor / max(medians[case.currency], 1)
