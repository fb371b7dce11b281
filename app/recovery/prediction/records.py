"""What the models learn from, read out of the recovery records (pure values, no database)."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Charge:
    """One charge of a consumer's bill: the due charge (attempt 1) or a retry."""

    consumer_id: str
    at: datetime
    amount_minor: int
    method: str
    attempt_number: int
    failed: bool


@dataclass(frozen=True)
class FailedPayment:
    """One recovery case as the recovery-odds model sees it; `recovered` None while unknown."""

    case_id: str
    failed_at: datetime
    amount_minor: int
    method: str
    gateway: str
    category: str  # the decline code's category (insufficient_funds, hard, ...)
    code: str
    advice_code: str
    segment: str
    vip: bool
    recovered: bool | None


@dataclass(frozen=True)
class ConsumerActivity:
    """One consumer's dealings with recovery, up to the day of training."""

    consumer_id: str
    first_failure_at: datetime
    failures: int  # recovery cases opened
    attempts: int  # retries charged
    declined_attempts: int
    messages: int
    messages_read: int
    recovered_cases: int
    satisfaction: float | None  # 1 (unhappy) .. 5 (happy), where a survey recorded one
    usage_minor: int  # what the consumer paid us (their use of the service, in money)
    tenure_days: float
    churned: bool | None  # None while unknown
