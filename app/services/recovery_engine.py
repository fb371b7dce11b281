"""The recovery engine at work: asks the policy, acts under the ledgers' permits, keeps records.

The same code serves `recovery simulate` (a virtual clock, a simulated world) and, later,
`recovery run` (the wall clock, real gateways): time and the world come in from outside.
"""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from app.recovery.cases import RecoveryCase
from app.recovery.code_tables import DeclineCodes
from app.recovery.codes import Action, Category, Classification
from app.recovery.decisions import Decision, DecisionKind
from app.recovery.experiments.discounts import DiscountOffer, write_off_due
from app.recovery.ledger import AttemptRefused
from app.recovery.message_ledger import MessageRefused
from app.recovery.network_rules import CaseState
from app.recovery.policies.common import Books, Policy
from app.recovery.ports import RecoveryUnitOfWork, RecoveryWorld, WorldEvent

log = logging.getLogger(__name__)

MAX_STEPS_PER_VISIT = 4  # decide-act rounds per case at one instant; more would be a bug
GATEWAY_DOWN = Classification(
    category=Category.TECHNICAL,
    action=Action.RETRY_LATER,
    no_retry=False,
    min_wait=timedelta(hours=1),
    known=True,
    description="the gateway did not answer",
)


@dataclass
class Pending:
    """Rows waiting for the next commit (one per visit of the clock, not one per row)."""

    attempts: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)
    # Discounts to write off (case_id, amount_minor, at, offer): the consumer paid the price.
    write_offs: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Tally:
    attempts: int = 0
    messages: int = 0


class RecoveryEngine:
    def __init__(
        self,
        *,
        policy: Policy,
        books: Books,
        codes: DeclineCodes,
        world: RecoveryWorld,
        cases: dict[str, RecoveryCase],
        uow_factory: Callable[[], RecoveryUnitOfWork],
        discounts: Mapping[str, DiscountOffer] | None = None,
    ) -> None:
        self.policy, self.books, self.codes, self.world = policy, books, codes, world
        self.cases = cases
        self.discounts = dict(discounts or {})  # case id -> the offer its consumer was made
        self.uow_factory = uow_factory
        self.pending = Pending()
        self.tally = Tally()

    # -- one visit to one case ----------------------------------------------------------------
    def visit(self, case: RecoveryCase, now: datetime) -> datetime | None:
        """Decide and act until the case waits; returns when to look at it again (or None)."""
        if self._settle_discount(case, now):  # the price was paid some other way (a link)
            return None
        for _ in range(MAX_STEPS_PER_VISIT):
            decision = self.policy.decide(case, now)
            self._record_decision(decision, now)
            if decision.kind is DecisionKind.STOP:
                self._close(case, CaseState.STOPPED)
                return None
            if decision.kind is DecisionKind.WAIT:
                return None
            if decision.at > now:
                return decision.at
            if decision.is_message:
                self._send(case, decision, now)
            else:
                self._charge(case, decision, now)
            if self.books.attempts.book(case.case_id).state is not CaseState.OPEN:
                return None
        return None

    def _charge(self, case: RecoveryCase, decision: Decision, now: datetime) -> None:
        try:
            permit = self.books.attempts.permit(case.case_id, now)
        except AttemptRefused as refused:
            log.warning("%s", refused.message)  # a policy asked for what the rules forbid
            return
        payable = self._payable(case)  # a discount offer's price, else all that is owed
        amount = min(decision.amount_minor or payable, payable)
        self.tally.attempts += 1
        try:
            result = self.world.attempt(permit, amount)
        except Exception as error:  # a gateway that is down is not the consumer's decline
            log.warning("attempt on %s failed: %s", case.case_id, error)
            self.books.attempts.settle(permit, approved=False, decline=GATEWAY_DOWN)
            case.record_decline(case.code, case.decline, now)
            return
        decline = None
        if result.approved:
            case.record_payment(amount)
            self._settle_discount(case, now)
        else:
            decline = self.codes.classify(
                gateway=case.gateway,
                method=case.method,
                network=case.network,
                code=result.code,
                advice_code=result.advice_code,
            )
            case.record_decline(result.code, decline, now)
        case.retries += 1
        case.planned_at = None
        self.books.attempts.settle(permit, approved=result.approved, decline=decline)
        self.pending.attempts.append(
            {
                "case_id": case.case_id,
                "instrument": permit.instrument,
                "at": now,
                "amount_minor": amount,
                "approved": result.approved,
                "code": result.code,
                "merchant_advice_code": result.advice_code,
                "category": decline.category.value if decline else None,
            }
        )
        if case.owed_minor <= 0:
            self._close(case, CaseState.PAID)

    def _send(self, case: RecoveryCase, decision: Decision, now: datetime) -> None:
        assert decision.channel is not None and decision.template is not None
        try:
            permit = self.books.messages.permit(
                case.case_id,
                case.recipient,
                decision.channel,
                now,
                urgent=decision.urgent,
                high_value=case.high_value,
            )
        except MessageRefused as refused:
            log.warning("%s", refused.message)
            return
        self.tally.messages += 1
        try:
            result = self.world.message(
                permit, template=decision.template, payment_link=decision.payment_link
            )
        except Exception as error:
            log.warning("message on %s failed: %s", case.case_id, error)
            return
        case.messages += 1
        case.last_message_at = now
        if decision.payment_link:
            case.link_messages += 1
            sent_hook = getattr(self.policy, "message_sent", None)
            if sent_hook is not None:
                sent_hook(case, now)
        if result.accepted:
            self.books.attempts.notice_sent(case.case_id, now)
        self.pending.messages.append(
            {
                "case_id": case.case_id,
                "consumer_id": case.consumer_id,
                "at": now,
                "channel": decision.channel,
                "template": decision.template,
                "payment_link": decision.payment_link,
                "urgent": decision.urgent,
                "accepted": result.accepted,
                "error": result.error,
            }
        )

    # -- what the world tells us ----------------------------------------------------------------
    def apply_events(self, events: list[WorldEvent]) -> list[RecoveryCase]:
        """Apply events in order; returns the cases that should be looked at again now."""
        woken: list[RecoveryCase] = []
        for event in sorted(events, key=lambda e: e.at):
            case = self.cases.get(event.case_id)
            self.pending.events.append(
                {
                    "case_id": event.case_id,
                    "at": event.at,
                    "type": event.type,
                    "channel": event.channel,
                    "amount_minor": event.amount_minor,
                }
            )
            if case is None:
                continue
            if self._apply(case, event):
                woken.append(case)
        return woken

    def _apply(self, case: RecoveryCase, event: WorldEvent) -> bool:
        state = self.books.attempts.book(case.case_id).state
        if event.type == "paid":
            case.record_payment(event.amount_minor)
            if self._settle_discount(case, now=event.at) or case.owed_minor <= 0:
                self._close(case, CaseState.PAID)
                return False
            return state is CaseState.OPEN
        if event.type == "payment_method_updated":
            self.books.attempts.method_updated(case.case_id, event.at)
            case.instrument_changed = True
            case.planned_at = None
            if state is CaseState.STOPPED:
                self._reopen(case)
            return self.books.attempts.book(case.case_id).state is CaseState.OPEN
        if event.type == "opted_out" and event.channel:
            self.books.messages.opted_out(case.consumer_id, event.channel)
        if event.type == "failed_delivery" and event.channel:
            others = tuple(c for c in case.preferred_channels if c != event.channel)
            case.preferred_channels = (*others, event.channel)  # try it last from now on
        return False

    # -- discounts -----------------------------------------------------------------------------
    def _payable(self, case: RecoveryCase) -> int:
        offer = self.discounts.get(case.case_id)
        if offer is None:
            return case.owed_minor
        return max(0, case.owed_minor - offer.forgiven(case.amount_minor))

    def _settle_discount(self, case: RecoveryCase, now: datetime) -> bool:
        """The discounted price is paid: the rest is written off and the case closes paid."""
        offer = self.discounts.get(case.case_id)
        rest = write_off_due(offer, case.amount_minor, case.owed_minor)
        if offer is None or rest <= 0:
            return False
        self.pending.write_offs.append(
            {"case_id": case.case_id, "amount_minor": rest, "at": now, "offer": offer}
        )
        case.owed_minor = 0
        self._close(case, CaseState.PAID)
        return True

    def _close(self, case: RecoveryCase, state: CaseState) -> None:
        self.books.attempts.set_state(case.case_id, state)
        self.pending.statuses[case.case_id] = state.value

    def _reopen(self, case: RecoveryCase) -> None:
        self.books.attempts.set_state(case.case_id, CaseState.OPEN)
        self.pending.statuses[case.case_id] = CaseState.OPEN.value

    def _record_decision(self, decision: Decision, now: datetime) -> None:
        self.pending.decisions.append(
            {
                "case_id": decision.case_id,
                "decided_at": now,
                "policy": self.policy.name,
                "kind": decision.kind.value,
                "act_at": decision.at,
                "amount_minor": decision.amount_minor,
                "reason": decision.reason,
                "score": decision.score,
                "recovery_score": decision.recovery_score,
                "channel": decision.channel,
            }
        )

    # -- records --------------------------------------------------------------------------------
    def flush(self) -> None:
        pending, self.pending = self.pending, Pending()
        with self.uow_factory() as uow:
            uow.recovery.add_attempts(pending.attempts)
            uow.recovery.add_decisions(pending.decisions)
            uow.recovery.add_messages(pending.messages)
            uow.recovery.add_events(pending.events)
            uow.recovery.set_statuses(pending.statuses)
            uow.commit()
