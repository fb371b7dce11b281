"""What the engine decided for a case, why, and how sure it was."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class DecisionKind(StrEnum):
    RETRY_NOW = "retry_now"
    RETRY_AT = "retry_at"
    ASK_NEW_METHOD = "ask_new_method"  # a message with a payment link
    REMIND = "remind"
    NOTIFY = "notify"  # UPI AutoPay's pre-debit notification
    OFFER_PLAN = "offer_plan"  # a message offering a payment plan (with a payment link)
    WAIT = "wait"  # nothing to do until an event arrives
    STOP = "stop"


MESSAGE_KINDS = (
    DecisionKind.ASK_NEW_METHOD,
    DecisionKind.REMIND,
    DecisionKind.NOTIFY,
    DecisionKind.OFFER_PLAN,
)


@dataclass(frozen=True)
class Decision:
    case_id: str
    kind: DecisionKind
    at: datetime  # when to act: now, or later (the case is looked at again then)
    reason: str
    score: float | None = None  # the model's approval likelihood, when it was asked
    amount_minor: int = 0  # what to charge: all that is owed, or a part where the product allows

    channel: str | None = None
    template: str | None = None
    payment_link: bool = False
    urgent: bool = False
    recovery_score: float | None = None  # the recovery model's odds for the whole case

    @property
    def is_message(self) -> bool:
        return self.kind in MESSAGE_KINDS
