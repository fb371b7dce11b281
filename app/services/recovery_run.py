"""`recovery run`: workers that claim due cases, decide with the engine and act exactly once.

Every charge is recorded as 'started' with its idempotency key and committed before it is sent;
a worker that restarts first reconciles such attempts with the gateway by that key.
"""

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Engine

from app.db.recovery_claims import (
    claim_due,
    claim_unreconciled,
    finish_attempt,
    read_case,
    recovered,
    release,
    start_attempt,
)
from app.db.recovery_tables import recovery_decisions, recovery_messages
from app.recovery.code_tables import DeclineCodes
from app.recovery.experiments.arms import knobs_for
from app.recovery.ledger import AttemptPermit
from app.recovery.message_ledger import MessagePermit
from app.recovery.messaging_rules import MessagingRules
from app.recovery.model import ApprovalModel
from app.recovery.policies.arms import with_arms
from app.recovery.policies.smart import SmartPolicy
from app.recovery.policy_names import POLICIES
from app.recovery.ports import AttemptResult, MessageResult, RecoveryUnitOfWork, WorldEvent
from app.recovery.segment_rules import with_segment_rules
from app.services.disputes_recovery import respect_holds
from app.services.experiment_arms import arms_of, record_case_outcome, record_ended_outcomes
from app.services.messaging_settings import load_rules
from app.services.recovery_discounts import discount_offer, record_write_offs
from app.services.recovery_engine import RecoveryEngine
from app.services.recovery_model_odds import NO_ODDS, CaseOdds
from app.services.recovery_state import rebuild
from app.services.recovery_webhook_events import publish_case_outcome
from app.services.segment_rules_lookup import SegmentLookup

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # longer than any one visit; a dead worker's cases wait this long
WAIT_RECHECK = timedelta(hours=6)  # a waiting case is looked at again (no events intake yet)
RETRY = timedelta(minutes=15)  # a visit that failed (gateway or database trouble) is retried
RULES_FRESH = timedelta(minutes=1)  # messaging rules an admin edits reach workers this soon
OUTCOME_SWEEP = timedelta(minutes=1)  # cases ended by hand, at a counter or by a link


@dataclass(frozen=True)
class ChargeOutcome:
    approved: bool
    code: str
    advice_code: str = ""
    external_id: str = ""


@dataclass(frozen=True)
class ChargeRequest:
    gateway: str  # nmi, stripe, ...
    instrument: str  # the saved vault/customer/mandate reference, never a card number
    amount_minor: int
    currency: str
    reference: str  # the case id
    idempotency_key: str


class ChargeGateway(Protocol):
    """A charge of a saved instrument, idempotent by key, and a look-up by that key."""

    def charge(self, request: ChargeRequest) -> ChargeOutcome: ...

    def lookup(self, request: ChargeRequest) -> ChargeOutcome | None:
        """What became of a charge sent under request.idempotency_key; None: it never arrived."""
        ...


class Messenger(Protocol):
    def send(
        self, permit: MessagePermit, *, template: str, payment_link: bool
    ) -> MessageResult: ...


@dataclass
class RunTally:
    visits: int = 0
    attempts: int = 0
    reconciled: int = 0
    messages: int = 0
    errors: list[str] = field(default_factory=list)


class CaseWorld:
    """The engine's world for one visit: charges go through the started-then-sent protocol."""

    def __init__(self, worker: "Worker", case: dict[str, Any], codes: DeclineCodes) -> None:
        self.worker, self.case, self.codes = worker, case, codes

    def attempt(self, permit: AttemptPermit, amount_minor: int) -> AttemptResult:
        key = f"rcv-{self.case['id']}-{uuid.uuid4().hex}"[-80:]
        start_attempt(
            self.worker.engine,
            {
                "case_id": self.case["id"],
                "instrument": self.case["instrument"] or permit.instrument,
                "at": permit.at,
                "amount_minor": amount_minor,
                "code": "",
                "idempotency_key": key,
            },
        )
        self.worker.tally.attempts += 1
        # An exception leaves the row 'started': the next visit reconciles it by its key.
        outcome = self.worker.gateway.charge(_request(self.case, amount_minor, key))
        finish_attempt(self.worker.engine, key, **self.worker.settled(self.case, outcome))
        return AttemptResult(outcome.approved, outcome.code, outcome.advice_code)

    def message(self, permit: MessagePermit, *, template: str, payment_link: bool) -> MessageResult:
        self.worker.tally.messages += 1
        return self.worker.messenger.send(permit, template=template, payment_link=payment_link)

    def events(self, until: datetime) -> list[WorldEvent]:
        return []


class Worker:
    def __init__(
        self,
        *,
        engine: Engine,
        gateway: ChargeGateway,
        messenger: Messenger,
        codes: DeclineCodes,
        clock: Callable[[], datetime],
        worker_id: str,
        policy: str = "smart",
        model: ApprovalModel | None = None,
        lease: timedelta = LEASE,
        odds: CaseOdds | None = None,
        odds_note: str = NO_ODDS,
    ) -> None:
        self.engine, self.gateway, self.messenger, self.codes = engine, gateway, messenger, codes
        self.clock, self.worker_id, self.policy, self.model = clock, worker_id, policy, model
        self.lease = lease
        self.odds, self.odds_note = odds, odds_note  # the recovery model's odds per case
        self.tally = RunTally()
        self._swept: datetime | None = None
        self._rules: tuple[datetime | None, MessagingRules | None] = (None, None)
        self.segments = SegmentLookup(engine)

    def run(self, stop: threading.Event, *, once: bool = False, poll: float = 2.0) -> RunTally:
        """Reconcile what a crash left, then visit due cases until `stop` (or none is due)."""
        self.reconcile_all()
        while not stop.is_set():
            self.sweep_outcomes()
            case_id = claim_due(self.engine, self.worker_id, self.clock(), self.lease)
            if case_id is None:
                if once:
                    break
                stop.wait(poll)
                continue
            try:
                self.visit(case_id)
            except Exception as error:  # one case's trouble must not stop the others
                log.exception("visit of case %s failed", case_id)
                self.tally.errors.append(f"{case_id}: {error}")
                with self.engine.begin() as connection:
                    release(connection, case_id, self.worker_id, next_at=self.clock() + RETRY)
        return self.tally

    def sweep_outcomes(self) -> int:
        """Record in their A/B tests the cases that ended outside the engine (once a minute)."""
        now = self.clock()
        if self._swept is not None and now - self._swept < OUTCOME_SWEEP:
            return 0
        self._swept = now
        return record_ended_outcomes(self.engine, now)

    def reconcile_all(self) -> None:
        while case_id := claim_unreconciled(self.engine, self.worker_id, self.clock(), self.lease):
            rows = read_case(self.engine, case_id, self.clock())
            self._reconcile(rows.attempts, rows.case)
            with self.engine.begin() as connection:
                release(connection, case_id, self.worker_id)

    def visit(self, case_id: str) -> None:
        """One claimed case: reconcile, rebuild, decide and act, save, release the lease."""
        now = self.clock()
        self.tally.visits += 1
        rows = read_case(self.engine, case_id, now)
        if self._reconcile(rows.attempts, rows.case):
            rows = read_case(self.engine, case_id, now)
        if respect_holds(self.engine, rows.case, self.worker_id, now):
            return  # disputed, or waiting for a review of the consumer's circumstances
        is_open = rows.case["status"] == "open"
        arms = arms_of(self.engine, rows.case["consumer_id"], now) if is_open else {}
        policy = self._policy_name(arms)
        view = rebuild(rows, self.codes, policy, self.model, self.messaging_rules(now))
        if isinstance(view.policy, SmartPolicy):
            view.policy.odds, view.policy.odds_source = self.odds, self.odds_note
        rules = self.segments.rules_for(case_id, now) if is_open else None
        segmented = with_segment_rules(view.case, view.policy, view.books, rules)
        offer = discount_offer(self.engine, rows.case["consumer_id"], arms, rules, now)
        engine = RecoveryEngine(
            policy=with_arms(segmented, view.books, knobs_for(arms)),
            books=view.books,
            codes=self.codes,
            world=CaseWorld(self, rows.case, self.codes),
            cases={case_id: view.case},
            uow_factory=_saved_by_the_run,
            discounts={case_id: offer} if offer is not None and is_open else None,
        )
        again: datetime | None = None
        if rows.case["status"] == "open":
            if view.case.owed_minor <= 0:
                engine.pending.statuses[case_id] = "paid"  # approved before a crash: paid
            else:
                again = engine.visit(view.case, now)
        self._save(case_id, engine, again, now)

    def messaging_rules(self, now: datetime) -> MessagingRules:
        """The admin's hours, caps and channels, read again at most once a minute."""
        cached_at, rules = self._rules
        if rules is None or cached_at is None or now - cached_at > RULES_FRESH:
            rules = load_rules(self.engine)
            self._rules = (now, rules)
        return rules

    def policy_for(self, case: dict[str, Any], now: datetime) -> str:
        """The consumer's arm of a running retry-timing experiment when it names a policy."""
        return self._policy_name(arms_of(self.engine, case["consumer_id"], now))

    def _policy_name(self, arms: dict[str, str]) -> str:
        arm = arms.get("retry_timing")
        return arm if arm in POLICIES else self.policy

    def _save(
        self, case_id: str, engine: RecoveryEngine, again: datetime | None, now: datetime
    ) -> None:
        pending = engine.pending  # its attempts are in the table already (started, then done)
        with self.engine.begin() as connection:
            if pending.decisions:
                connection.execute(recovery_decisions.insert(), pending.decisions)
            # A messenger that records its own rows (provider and reminder ids, local time)
            # must not get the engine's copy of the same reminder as well.
            if pending.messages and not getattr(self.messenger, "records_messages", False):
                connection.execute(recovery_messages.insert(), pending.messages)
            status = pending.statuses.get(case_id)
            # The discounted price paid: the rest written off, in the transaction that closes it.
            record_write_offs(connection, pending.write_offs, f"recovery worker {self.worker_id}")
            values: dict[str, Any] = {"recovered_minor": recovered(connection, case_id)}
            if status is not None:
                values["status"] = status
            if (status or "open") != "open":
                values["next_at"] = None
            else:
                values["next_at"] = again if again is not None else now + WAIT_RECHECK
            release(connection, case_id, self.worker_id, **values)
            publish_case_outcome(connection, case_id, status, now)
            record_case_outcome(connection, case_id, status, now)  # in its A/B tests

    def _reconcile(self, attempts: list[dict[str, Any]], case: dict[str, Any]) -> bool:
        """Attempts left 'started' by a crash: the gateway says what became of them."""
        found = False
        for attempt in attempts:
            if attempt["state"] != "started":
                continue
            found = True
            key = attempt["idempotency_key"]
            outcome = self.gateway.lookup(_request(case, attempt["amount_minor"], key))
            self.tally.reconciled += 1
            if outcome is None:
                log.info("attempt %s never reached the gateway: not counted", key)
                finish_attempt(self.engine, key, state="unsent", approved=False)
            else:
                log.info("attempt %s reconciled: approved=%s", key, outcome.approved)
                finish_attempt(self.engine, key, **self.settled(case, outcome))
        return found

    def settled(self, case: dict[str, Any], outcome: ChargeOutcome) -> dict[str, Any]:
        category = None
        if not outcome.approved:
            category = self.codes.classify(
                gateway=case["gateway"],
                method=case["method"],
                network=case["card_network"],
                code=outcome.code,
                advice_code=outcome.advice_code,
            ).category.value
        return {
            "state": "done",
            "approved": outcome.approved,
            "code": outcome.code,
            "merchant_advice_code": outcome.advice_code,
            "category": category,
            "external_id": outcome.external_id,
        }


def _request(case: dict[str, Any], amount_minor: int, key: str) -> ChargeRequest:
    return ChargeRequest(
        gateway=case["gateway"],
        instrument=case["instrument"],
        amount_minor=amount_minor,
        currency=case["currency"],
        reference=case["id"],
        idempotency_key=key,
    )


def _saved_by_the_run() -> RecoveryUnitOfWork:
    """A worker's engine never flushes: `Worker._save` writes its pending records itself, in
    the transaction that releases the case's claim."""
    raise RuntimeError("a recovery run saves the engine's records itself; flush() is not used")
