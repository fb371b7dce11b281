"""Read the recovery records (cases, attempts, messages, events) into the models' inputs."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select

from app.db.recovery_tables import (
    recovery_attempts,
    recovery_cases,
    recovery_consumers,
    recovery_events,
    recovery_messages,
)
from app.recovery.history import PastAttempt
from app.recovery.prediction.records import Charge, ConsumerActivity, FailedPayment

# A case still open this long after its failure counts as not recovered (and its consumer's
# outcome as known); younger open cases are left out of training: their ending is unknown.
OUTCOME_AFTER = timedelta(days=30)
SNAPSHOT_AFTER = timedelta(days=7)
LOST = ("stopped", "disputed")
LEFT_EVENTS = ("churned", "cancelled", "opted_out")
SATISFACTION_EVENTS = ("satisfaction", "survey")


class RecoveryRecords:
    """One read of the records a training needs, so the three models see the same moment."""

    def __init__(self, engine: Engine) -> None:
        with engine.connect() as connection:
            self.cases = _rows(connection, select(recovery_cases))
            self.attempts = _rows(
                connection,
                select(recovery_attempts)
                .where(recovery_attempts.c.state == "done")
                .order_by(recovery_attempts.c.case_id, recovery_attempts.c.at),
            )
            self.messages = _rows(connection, select(recovery_messages))
            self.events = _rows(connection, select(recovery_events))
            self.vips = {
                r["id"]: bool(r["vip"])
                for r in _rows(
                    connection, select(recovery_consumers.c.id, recovery_consumers.c.vip)
                )
            }
        self.case_by_id = {c["id"]: c for c in self.cases}

    def charges(self) -> list[Charge]:
        """Each case's failed due charge, then its retries with their answers."""
        charges = [
            Charge(c["consumer_id"], c["failed_at"], c["amount_minor"], c["method"], 1, True)
            for c in self.cases
        ]
        number: dict[str, int] = defaultdict(lambda: 1)
        for attempt in self.attempts:
            case = self.case_by_id.get(attempt["case_id"])
            if case is None or attempt["approved"] is None:
                continue
            number[case["id"]] += 1
            charges.append(
                Charge(
                    case["consumer_id"],
                    attempt["at"],
                    attempt["amount_minor"],
                    case["method"],
                    number[case["id"]],
                    not attempt["approved"],
                )
            )
        return charges

    def failed_payments(self, now: datetime) -> list[FailedPayment]:
        return [
            failed_payment(c, self.vips.get(c["consumer_id"], False), _recovered(c, now))
            for c in self.cases
        ]

    def consumers(self, now: datetime) -> list[ConsumerActivity]:
        cases_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for case in self.cases:
            cases_of[case["consumer_id"]].append(case)
        attempts_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for attempt in self.attempts:
            owner = self.case_by_id.get(attempt["case_id"])
            if owner is not None and attempt["approved"] is not None:
                attempts_of[owner["consumer_id"]].append(attempt)
        messages_of: dict[str, list[datetime]] = defaultdict(list)
        for message in self.messages:
            if message["accepted"]:
                messages_of[message["consumer_id"]].append(message["at"])
        events_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for event in self.events:
            owner = self.case_by_id.get(event["case_id"])
            if owner is not None:
                events_of[owner["consumer_id"]].append(event)
        return [
            _activity(
                consumer_id,
                cases,
                attempts_of[consumer_id],
                messages_of[consumer_id],
                events_of[consumer_id],
                now,
            )
            for consumer_id, cases in cases_of.items()
        ]


def failed_payment(case: dict[str, Any], vip: bool, recovered: bool | None = None) -> FailedPayment:
    """A recovery_cases row as the recovery-odds model reads it (for training or scoring)."""
    return FailedPayment(
        case_id=case["id"],
        failed_at=case["failed_at"],
        amount_minor=case["amount_minor"],
        method=case["method"],
        gateway=case["gateway"],
        category=case["category"],
        code=case["code"],
        advice_code=case["merchant_advice_code"],
        segment=case["segment"],
        vip=vip,
        recovered=recovered,
    )


def charges_from_history(history: Sequence[PastAttempt]) -> list[Charge]:
    """A portfolio's attempt history (approved charges too): the failure model's best source."""
    return [
        Charge(
            a.consumer_id,
            a.attempted_at,
            a.amount_minor,
            a.method,
            a.attempt_number,
            not a.approved,
        )
        for a in history
    ]


def _recovered(case: dict[str, Any], now: datetime) -> bool | None:
    if case["status"] == "paid" or case["recovered_minor"] >= case["amount_minor"]:
        return True
    if case["status"] in LOST:
        return False
    if case["status"] in ("open", "paused") and now - case["failed_at"] >= OUTCOME_AFTER:
        return False
    return None  # at the counter, or too young to tell


def _activity(
    consumer_id: str,
    cases: list[dict[str, Any]],
    attempts: list[dict[str, Any]],
    messages: list[datetime],
    events: list[dict[str, Any]],
    now: datetime,
) -> ConsumerActivity:
    """The consumer as seen a week after their latest failure: the churn model warns then,
    so nothing later (the case's ending, later surveys) may leak into its features."""
    latest = max(cases, key=lambda c: c["failed_at"])
    seen = min(latest["failed_at"] + SNAPSHOT_AFTER, now)
    first = min(c["failed_at"] for c in cases)
    churned = _churned(latest, events, now)
    attempts = [a for a in attempts if a["at"] <= seen]
    events = [e for e in events if e["at"] <= seen]
    answers = [_score(e) for e in events if e["type"] in SATISFACTION_EVENTS]
    scores = [s for s in answers if s is not None]
    earlier = [c for c in cases if c is not latest]
    return ConsumerActivity(
        consumer_id=consumer_id,
        first_failure_at=first,
        failures=len(cases),
        attempts=len(attempts),
        declined_attempts=sum(1 for a in attempts if not a["approved"]),
        messages=sum(1 for at in messages if at <= seen),
        messages_read=sum(1 for e in events if e["type"] == "read"),
        recovered_cases=sum(1 for c in earlier if _recovered(c, now)),
        satisfaction=sum(scores) / len(scores) if scores else None,
        usage_minor=sum(c["recovered_minor"] for c in earlier),
        tenure_days=(seen - first).total_seconds() / 86400,
        churned=churned,
    )


def _churned(latest: dict[str, Any], events: list[dict[str, Any]], now: datetime) -> bool | None:
    """Lost after a failure: said so (cancelled, opted out), or the latest case ended unpaid."""
    if any(e["type"] in LEFT_EVENTS for e in events):
        return True
    outcome = _recovered(latest, now)
    return None if outcome is None else not outcome


def _score(event: dict[str, Any]) -> float | None:
    detail = event.get("detail") or {}
    value = detail.get("score") if isinstance(detail, dict) else None
    return float(value) if isinstance(value, int | float) else None


def _rows(connection: Any, statement: Any) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in connection.execute(statement)]
