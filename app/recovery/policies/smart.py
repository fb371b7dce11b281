"""`smart`: retry when the model says approval is likeliest, ask for a new method when it is not."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import numpy as np

from app.recovery.cases import RecoveryCase
from app.recovery.codes import Action, Category
from app.recovery.decisions import Decision, DecisionKind
from app.recovery.experiments.arms import PARTIAL_PRODUCTS, partial_amount
from app.recovery.features import AttemptSituation, CandidateTimes, feature_matrix
from app.recovery.model import ApprovalModel
from app.recovery.network_rules import CaseState
from app.recovery.payday import days_since_payday
from app.recovery.policies.common import (
    Books,
    immediate_retry,
    message,
    needs_notice,
    notice,
    retry_at,
    stop,
    wait,
)
from app.recovery.policies.effort import Effort, effort_for

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
# The shortest spacing we choose ourselves, on top of what the networks demand.
MIN_GAP = {Category.TECHNICAL: HOUR}
DEFAULT_GAP = DAY
LINK_SPACING = timedelta(days=4)
TEMPLATES = {
    DecisionKind.ASK_NEW_METHOD: "new_payment_method",
    DecisionKind.OFFER_PLAN: "payment_plan",
}


@dataclass
class SmartPolicy:
    books: Books
    model: ApprovalModel | None
    fallback_reason: str = ""
    name: str = "smart"
    max_retries: int = 8
    max_link_messages: int = 2
    min_likelihood: float = 0.13  # the least approval likelihood worth an attempt
    horizon: timedelta = timedelta(days=20)  # always beyond the next monthly payday
    step: timedelta = timedelta(hours=2)
    daily_discount: float = 0.02  # money sooner is worth a little more than money later
    # After this many of our retries declined for funds, a bill or an installment is charged
    # in halves: a consumer short of the whole amount may well have half of it.
    partial_after: int = 2
    partial_share: float = 0.5
    # The recovery model's odds per case (None: no promoted model) and what to call it.
    odds: Callable[[RecoveryCase], float] | None = None
    odds_source: str = "no promoted recovery model: every case gets the same effort"
    _last_link: dict[str, datetime] = field(default_factory=dict)
    _efforts: dict[str, Effort] = field(default_factory=dict)

    def decide(self, case: RecoveryCase, now: datetime) -> Decision:
        effort = self._effort(case)
        decision = self._decide(case, now, effort)
        if decision.kind in (DecisionKind.RETRY_NOW, DecisionKind.RETRY_AT):
            decision = self._split(case, decision)
        if effort.score is None:
            return decision
        return replace(decision, recovery_score=effort.score)

    def _split(self, case: RecoveryCase, decision: Decision) -> Decision:
        short = case.decline.category is Category.INSUFFICIENT_FUNDS
        if not short or case.retries < self.partial_after:
            return decision
        part = partial_amount(case.amount_minor, case.owed_minor, self.partial_share, case.product)
        if part >= case.owed_minor:
            return decision
        why = (
            f"{decision.reason}; {case.retries} retries short of funds: "
            f"charge {part} of the {case.owed_minor} owed"
        )
        return replace(decision, amount_minor=part, reason=why)

    def _effort(self, case: RecoveryCase) -> Effort:
        found = self._efforts.get(case.case_id)
        if found is None:
            score = self.odds(case) if self.odds is not None else None
            found = effort_for(score, self.odds_source)
            self._efforts[case.case_id] = found
        return found

    def _decide(self, case: RecoveryCase, now: datetime, effort: Effort) -> Decision:
        book = self.books.attempts.book(case.case_id)
        if book.state is not CaseState.OPEN or case.owed_minor <= 0:
            return stop(case, now, "the case is closed")
        fresh = immediate_retry(self.books, case, now)
        if fresh is not None:
            return fresh
        if case.method == "upi_autopay" and book.fresh_method and needs_notice(self.books, case):
            return notice(self.books, case, now, "a new mandate is on file")
        if book.blocked_by or case.decline.action is not Action.RETRY_LATER:
            return self._ask_for_new_method(case, now)
        cap = min(self.max_retries, effort.max_retries or self.max_retries)
        if case.retries >= cap:
            return self._last_reminder(case, now, f"{cap} retries made", effort=effort)
        if case.retries >= 2 and case.link_messages == 0:
            kind = self._reminder_kind(case, effort)
            reminder = self._link(
                case,
                now,
                kind,
                "two retries failed: a payment link lets the consumer pay when they can"
                + ("; a payment plan offered" if kind is DecisionKind.OFFER_PLAN else ""),
            )
            if reminder is not None:
                return reminder
        if case.planned_at is not None and now >= case.planned_at:
            if case.method == "upi_autopay" and needs_notice(self.books, case):
                return notice(self.books, case, now, "the planned debit is due")
            return retry_at(self.books, case, now, now, "the planned retry is due")
        if case.planned_at is not None:
            return Decision(
                case.case_id,
                DecisionKind.RETRY_AT,
                case.planned_at,
                "planned retry",
                amount_minor=case.owed_minor,
            )
        if case.method == "upi_autopay" and needs_notice(self.books, case):
            return notice(self.books, case, now, "a debit is being planned")
        return self._plan_retry(case, now, effort)

    # -- planning ---------------------------------------------------------------------------
    def _plan_retry(self, case: RecoveryCase, now: datetime, effort: Effort) -> Decision:
        gap = MIN_GAP.get(case.decline.category, DEFAULT_GAP)
        last = case.last_attempt_at or case.failed_at  # never None: set at the failure
        start = self.books.attempts.next_allowed_time(case.case_id, max(now, last + gap))
        if start is None:
            return wait(case, now, "the network rules allow no retry for now")
        start = _next_hour(start)
        if self.model is None:
            at, reason = self._rule_time(case, start)
            why = f"{reason} ({self.fallback_reason}); {effort.note}"
            return self._planned(case, now, at, why, None)
        times = CandidateTimes(start, self.step, int(self.horizon / self.step))
        likelihood = self.model.approval_likelihood(feature_matrix(self._situation(case), times))
        days = np.arange(len(times)) * (self.step / DAY)
        value = likelihood * (1.0 - self.daily_discount) ** days
        best = int(np.argmax(value))
        score = float(likelihood[best])
        threshold = self._threshold(case) * effort.threshold_factor
        if score < threshold:
            reason = (
                f"approval likelihood at most {score:.2f} in the next "
                f"{self.horizon.days} days, under {threshold:.2f}: attempt skipped; {effort.note}"
            )
            return self._last_reminder(case, now, reason, score, effort)
        reason = (
            f"model {self.model.version}: approval likelihood {score:.2f} at "
            f"{times[best]:%a %Y-%m-%d %H:%M}Z, the best of {len(times)} candidate times; "
            f"{effort.note}"
        )
        return self._planned(case, now, times[best], reason, score)

    def _threshold(self, case: RecoveryCase) -> float:
        """Expected recovery per attempt is likelihood x amount: a large debt is worth a
        try at odds a small one is not (square root, so that size never overrules the odds)."""
        return min(0.5, self.min_likelihood / max(case.size, 0.05) ** 0.5)

    def _planned(
        self, case: RecoveryCase, now: datetime, at: datetime, reason: str, score: float | None
    ) -> Decision:
        case.planned_at = at
        kind = DecisionKind.RETRY_NOW if at <= now else DecisionKind.RETRY_AT
        return Decision(case.case_id, kind, at, reason, score, amount_minor=case.owed_minor)

    def _rule_time(self, case: RecoveryCase, start: datetime) -> tuple[datetime, str]:
        """Without a model: the day after payday for low funds, else a day later, mid-morning."""
        zone = case.recipient.zones[0]
        if case.decline.category is Category.TECHNICAL:
            return start, "technical decline: retry soon"
        t = start
        for _ in range(24 * 35):
            local = t.astimezone(zone)
            good_hour = 9 <= local.hour < 12
            after_payday = (
                case.decline.category is not Category.INSUFFICIENT_FUNDS
                or not case.paydays
                or days_since_payday(local.day, case.paydays) in (0, 1)
            )
            if good_hour and after_payday:
                return t, "rules: retry in the morning" + (
                    " after the consumer's payday" if after_payday and case.paydays else ""
                )
            t += HOUR
        return start, "rules: retry at the first allowed time"

    def _situation(self, case: RecoveryCase) -> AttemptSituation:
        return AttemptSituation(
            amount_minor=case.owed_minor,
            method=case.method,
            network=case.network,
            card_type=case.card_type,
            attempt_number=case.retries + 2,
            last_at=case.last_attempt_at,
            last_category=case.decline.category.value,
            code_changed=case.code_changed,
            instrument_changed=case.instrument_changed,
            paydays=case.paydays,
            zone=case.recipient.zones[0],
        )

    # -- messages ---------------------------------------------------------------------------
    def _ask_for_new_method(self, case: RecoveryCase, now: datetime) -> Decision:
        if case.link_messages >= self.max_link_messages:
            return wait(
                case,
                now,
                f"{case.decline.description}: waiting for a new payment method or a payment",
            )
        why = f"{case.decline.description}: retrying cannot succeed; ask for a new payment method"
        asked = self._link(case, now, DecisionKind.ASK_NEW_METHOD, why)
        return asked or wait(case, now, f"{why}, but no channel can carry it")

    def _last_reminder(
        self,
        case: RecoveryCase,
        now: datetime,
        reason: str,
        score: float | None = None,
        effort: Effort | None = None,
    ) -> Decision:
        if case.link_messages == 0:
            kind = self._reminder_kind(case, effort)
            if kind is DecisionKind.OFFER_PLAN:
                why = f"{reason}; offer a payment plan"
            else:
                why = f"{reason}; send a payment link"
            reminder = self._link(case, now, kind, why)
            if reminder is not None:
                return replace(reminder, score=score)
        return stop(case, now, f"{reason}; no more attempts")

    @staticmethod
    def _reminder_kind(case: RecoveryCase, effort: Effort | None) -> DecisionKind:
        """A case the recovery model thinks unlikely is offered a plan where the product
        can be paid in parts; any other gets a plain payment link."""
        if effort is not None and effort.plan_first and case.product in PARTIAL_PRODUCTS:
            return DecisionKind.OFFER_PLAN
        return DecisionKind.REMIND

    def _link(
        self, case: RecoveryCase, now: datetime, kind: DecisionKind, reason: str
    ) -> Decision | None:
        last = self._last_link.get(case.case_id)
        not_before = last + LINK_SPACING if last else None
        template = TEMPLATES.get(kind, "payment_link")
        return message(
            self.books,
            case,
            kind,
            now,
            template=template,
            payment_link=True,
            reason=reason,
            not_before=not_before,
            allow_urgent=kind is DecisionKind.ASK_NEW_METHOD,
        )

    def message_sent(self, case: RecoveryCase, at: datetime) -> None:
        self._last_link[case.case_id] = at


def _next_hour(t: datetime) -> datetime:
    rounded = t.replace(minute=0, second=0, microsecond=0)
    return rounded if rounded == t else rounded + HOUR
