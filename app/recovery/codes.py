"""What a decline means: its category, the action it calls for, and what the network forbids."""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum


class Category(StrEnum):
    INSUFFICIENT_FUNDS = "insufficient_funds"
    DO_NOT_HONOR = "do_not_honor"
    EXPIRED_OR_INVALID = "expired_or_invalid"
    HARD = "hard"
    TECHNICAL = "technical"
    FRAUD = "fraud"


class Action(StrEnum):
    RETRY_LATER = "retry_later"
    RETRY_AFTER_UPDATE = "retry_after_update"
    ASK_NEW_METHOD = "ask_new_method"
    STOP = "stop"


# Unknown codes are read as a generic decline, spaced further apart than a known one.
UNKNOWN_CODE_WAIT = timedelta(hours=48)


@dataclass(frozen=True)
class Classification:
    """One decline, read through the gateway's and the network's tables."""

    category: Category
    action: Action
    no_retry: bool  # the network forbids any retry until the payment method is updated
    min_wait: timedelta  # the earliest next try after this decline (MAC 02, MAC 24-30 ...)
    known: bool
    description: str

    @property
    def retriable(self) -> bool:
        """Whether retrying this instrument can ever make sense before an update."""
        return not self.no_retry and self.action is Action.RETRY_LATER


def unknown(code: str) -> Classification:
    return Classification(
        category=Category.DO_NOT_HONOR,
        action=Action.RETRY_LATER,
        no_retry=False,
        min_wait=UNKNOWN_CODE_WAIT,
        known=False,
        description=f"unknown code {code!r}: treated as do not honor, spaced further apart",
    )
