"""Any policy, held to the consumer's experiment arms: timing, grace, dunning, amounts, offers."""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from app.recovery.cases import RecoveryCase
from app.recovery.decisions import Decision, DecisionKind
from app.recovery.experiments.arms import ArmKnobs, partial_amount
from app.recovery.policies.common import Books, Policy, retry_at

RETRY_KINDS = (DecisionKind.RETRY_NOW, DecisionKind.RETRY_AT)
REMINDER_KINDS = (DecisionKind.REMIND, DecisionKind.ASK_NEW_METHOD, DecisionKind.OFFER_PLAN)
PLAN_TEMPLATE = "payment_plan"
ZERO = timedelta(0)


@dataclass
class ArmPolicy:
    """The arms only ever delay, space out, split a charge or add an offer: the network-rule
    ledger and the message ledger still grant every action."""

    inner: Policy
    books: Books
    knobs: ArmKnobs
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.name = self.inner.name  # decisions are stored under the policy the arm holds

    def decide(self, case: RecoveryCase, now: datetime) -> Decision:
        decision = self.inner.decide(case, now)
        if decision.kind in (DecisionKind.WAIT, DecisionKind.STOP):
            return decision
        if decision.kind in RETRY_KINDS:
            return self._retry(case, decision, now)
        if decision.kind in REMINDER_KINDS:
            return self._reminder(case, decision)
        return self._held(decision, self._grace_ends(case), "grace period")

    def _retry(self, case: RecoveryCase, decision: Decision, now: datetime) -> Decision:
        knobs, tag = self.knobs, self.knobs.label
        earliest = self._grace_ends(case)
        if (
            knobs.retry_delay is not None
            and not self.books.attempts.book(case.case_id).fresh_method
        ):
            earliest = max(earliest, case.failed_at + knobs.retry_delay)
        if decision.at < earliest:
            why = f"{decision.reason}; {tag}: no charge before {earliest:%Y-%m-%d %H:%M}Z"
            moved = retry_at(self.books, case, earliest, now, why, decision.score)
            decision = replace(moved, recovery_score=decision.recovery_score)
            if decision.kind not in RETRY_KINDS:
                return decision
        amount = partial_amount(
            case.amount_minor, case.owed_minor, knobs.amount_share, case.product
        )
        if amount < min(decision.amount_minor or case.owed_minor, case.owed_minor):
            why = f"{decision.reason}; {tag}: charge {amount} of the {case.owed_minor} owed"
            decision = replace(decision, amount_minor=amount, reason=why)
        return decision

    def _reminder(self, case: RecoveryCase, decision: Decision) -> Decision:
        knobs, tag = self.knobs, self.knobs.label
        if knobs.offer_plan and decision.kind is DecisionKind.REMIND:
            decision = replace(
                decision,
                kind=DecisionKind.OFFER_PLAN,
                template=PLAN_TEMPLATE,
                reason=f"{decision.reason}; {tag}: the reminder offers a payment plan",
            )
        elif knobs.offer_percent:
            decision = replace(
                decision, reason=f"{decision.reason}; {tag}: {knobs.offer_percent}% off offered"
            )
        earliest = self._grace_ends(case)
        if knobs.notice_delay is not None:
            earliest = max(earliest, case.failed_at + knobs.notice_delay)
        if knobs.reminder_spacing is not None and case.last_message_at is not None:
            earliest = max(earliest, case.last_message_at + knobs.reminder_spacing)
        return self._held(decision, earliest, "reminder timing")

    def _held(self, decision: Decision, earliest: datetime, what: str) -> Decision:
        if decision.at >= earliest:
            return decision
        why = f"{decision.reason}; {self.knobs.label}: {what} until {earliest:%Y-%m-%d %H:%M}Z"
        return replace(decision, at=earliest, reason=why)

    def _grace_ends(self, case: RecoveryCase) -> datetime:
        return case.failed_at + (self.knobs.grace or ZERO)

    def message_sent(self, case: RecoveryCase, at: datetime) -> None:
        hook = getattr(self.inner, "message_sent", None)
        if hook is not None:
            hook(case, at)


def with_arms(policy: Policy, books: Books, knobs: ArmKnobs) -> Policy:
    """The policy under the consumer's arms; unchanged when they are in no applicable arm."""
    return ArmPolicy(policy, books, knobs) if knobs.arms else policy
