"""What every policy shares: the books it consults and the moves all of them make."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from app.recovery.cases import RecoveryCase
from app.recovery.decisions import Decision, DecisionKind
from app.recovery.ledger import AttemptLedger
from app.recovery.message_ledger import MessageLedger


@dataclass
class Books:
    attempts: AttemptLedger
    messages: MessageLedger


class Policy(Protocol):
    # Read-only: a wrapper (SegmentPolicy) reports its inner policy's name through a property.
    @property
    def name(self) -> str: ...

    def decide(self, case: RecoveryCase, now: datetime) -> Decision: ...


def retry_at(
    books: Books,
    case: RecoveryCase,
    wanted: datetime,
    now: datetime,
    reason: str,
    score: float | None = None,
) -> Decision:
    """A retry at `wanted`, or at the first time after it the network rules allow."""
    at = books.attempts.next_allowed_time(case.case_id, max(wanted, now))
    if at is None:
        why = books.attempts.allowed(case.case_id, max(wanted, now)).reason
        return Decision(case.case_id, DecisionKind.WAIT, now, f"{reason}; not allowed: {why}")
    kind = DecisionKind.RETRY_NOW if at <= now else DecisionKind.RETRY_AT
    if at > max(wanted, now):
        reason = f"{reason}; the network rules move it to {at:%Y-%m-%d %H:%M}Z"
    return Decision(case.case_id, kind, at, reason, score, amount_minor=case.owed_minor)


def immediate_retry(books: Books, case: RecoveryCase, now: datetime) -> Decision | None:
    """After a new payment method, one immediate retry (if the rules allow it now)."""
    if not books.attempts.book(case.case_id).fresh_method:
        return None
    if case.method == "upi_autopay" and needs_notice(books, case):
        return None
    return retry_at(books, case, now, now, "a new payment method is on file: one immediate retry")


def needs_notice(books: Books, case: RecoveryCase) -> bool:
    """UPI AutoPay: no pre-debit notification since the last attempt yet."""
    book = books.attempts.book(case.case_id)
    last = book.last_attempt()
    return not any(last is None or n > last.at for n in book.notices)


def message(
    books: Books,
    case: RecoveryCase,
    kind: DecisionKind,
    now: datetime,
    *,
    template: str,
    payment_link: bool,
    reason: str,
    not_before: datetime | None = None,
    allow_urgent: bool = False,
) -> Decision | None:
    """A message on the consumer's best channel at the first time the rules allow it.

    With `allow_urgent`, a high-value case whose next open hour is far off may use its one
    urgent message now (it may break quiet hours, holidays and Sundays, never the caps)."""
    best: tuple[datetime, str] | None = None
    after = max(now, not_before or now)
    for channel in case.preferred_channels:
        at = books.messages.next_allowed_time(case.case_id, case.recipient, channel, after)
        if at is not None and (best is None or at < best[0]):
            best = (at, channel)
    if allow_urgent and case.high_value and (best is None or best[0] - after > URGENT_AFTER):
        for channel in case.preferred_channels:
            refused = books.messages.refusal(
                case.case_id, case.recipient, channel, after, urgent=True, high_value=True
            )
            if refused is None:
                return Decision(
                    case.case_id,
                    kind,
                    after,
                    f"{reason}; urgent: a high-value case and the next open hour is far off",
                    amount_minor=case.owed_minor,
                    channel=channel,
                    template=template,
                    payment_link=payment_link,
                    urgent=True,
                )
    if best is None:
        return None
    return Decision(
        case.case_id,
        kind,
        best[0],
        reason,
        amount_minor=case.owed_minor,
        channel=best[1],
        template=template,
        payment_link=payment_link,
    )


def notice(books: Books, case: RecoveryCase, now: datetime, reason: str) -> Decision:
    found = message(
        books,
        case,
        DecisionKind.NOTIFY,
        now,
        template="pre_debit_notification",
        payment_link=False,
        reason=f"{reason}; UPI AutoPay needs a pre-debit "
        "notification at least 24 h before the debit",
    )
    return found or Decision(
        case.case_id, DecisionKind.WAIT, now, "no channel can carry the pre-debit notification"
    )


def wait(case: RecoveryCase, now: datetime, reason: str) -> Decision:
    return Decision(case.case_id, DecisionKind.WAIT, now, reason)


def stop(case: RecoveryCase, now: datetime, reason: str) -> Decision:
    return Decision(case.case_id, DecisionKind.STOP, now, reason)


HOUR = timedelta(hours=1)
URGENT_AFTER = timedelta(hours=12)
