"""The recovery queue: open cases by priority with segment, amount, next action, time and band."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from app.db.recovery_tables import recovery_cases, recovery_decisions
from app.recovery.smart_collect.behaviour import payment_behaviour, spending_pattern
from app.recovery.smart_collect.income import IncomePattern
from app.recovery.smart_collect.priority import priority
from app.recovery.smart_collect.probability import (
    Forecast,
    forecast,
    history_rate,
    predicted_balance,
)
from app.recovery.smart_collect.segments import Segment
from app.recovery.smart_collect.signals import money_text, risk_signals
from app.services.smart_collect import income_of
from app.services.smart_collect_data import (
    ConsumerRows,
    attempt_records,
    paid_bills,
    read_consumers,
)
from app.services.smart_collect_segments import case_segments

QUEUE_STATUSES = ("open", "paused")


@dataclass(frozen=True)
class QueueEntry:
    case_id: str
    consumer_id: str
    status: str
    owed_minor: int
    currency: str
    segment: str  # the configuration segment: high_value | standard | at_risk
    value_band: str
    vip: bool
    next_action: str
    next_at: datetime | None
    probability: float
    band: str
    priority: float
    priority_why: str
    segments: list[Segment]


@dataclass(frozen=True)
class CaseAssessment:
    """What the queue and the escalation rules both need to know about an open case."""

    case: dict[str, Any]
    rows: ConsumerRows
    income: IncomePattern
    forecast: Forecast
    segments: list[Segment]
    failures: int
    last_category: str

    def segment(self, dimension: str) -> str:
        return next(s.value for s in self.segments if s.dimension == dimension)


def assess_open_cases(engine: Engine, now: datetime) -> list[CaseAssessment]:
    with engine.connect() as connection:
        cases = connection.execute(
            select(recovery_cases.c.id, recovery_cases.c.consumer_id).where(
                recovery_cases.c.status.in_(QUEUE_STATUSES)
            )
        ).all()
    consumers = read_consumers(engine, [consumer_id for _, consumer_id in cases])
    memo: dict[Any, Any] = {}  # what every case of one consumer shares is worked out once
    return [assess(engine, consumers[c], case_id, now, memo) for case_id, c in cases]


def assess(
    engine: Engine,
    rows: ConsumerRows,
    case_id: str,
    now: datetime,
    memo: dict[Any, Any] | None = None,
) -> CaseAssessment:
    """One case's forecast, signals and segments; `memo` keeps the consumer's pattern, history
    and behaviour (and the currencies' medians) for the next case of the same load."""
    memo = {} if memo is None else memo
    who = ("consumer", rows.consumer.get("id"), id(rows))

    def once(name: str, work: Callable[[], Any]) -> Any:
        if (who, name) not in memo:
            memo[(who, name)] = work()
        return memo[(who, name)]

    case = next(c for c in rows.cases if c["id"] == case_id)
    attempts = once("attempts", lambda: attempt_records(rows))
    income = once("income", lambda: income_of(rows))
    owed = max(0, case["amount_minor"] - case["recovered_minor"])
    today = now.astimezone(rows.zone).date()
    day = max(today, case["next_at"].astimezone(rows.zone).date()) if case["next_at"] else today
    balances = income.source == "credits"
    chance = forecast(
        amount_minor=owed,
        current_minor=once(f"balance {today}", lambda: predicted_balance(income, today))
        if balances else None,
        predicted_minor=once(f"balance {day}", lambda: predicted_balance(income, day))
        if balances else None,
        rate=history_rate(sum(1 for a in attempts if a.approved), len(attempts)),
        consistency=income.consistency,
    )  # fmt: skip
    behaviour = once("behaviour", lambda: payment_behaviour(
        paid_bills(rows), [a.at for a in attempts if a.approved]))  # fmt: skip
    signals = risk_signals(
        today=today, income=income, spending=spending_pattern(attempts, rows.credits, owed),
        behaviour=behaviour, attempts=attempts, owed_minor=owed,
        money=money_text(case["currency"]),
    )  # fmt: skip
    own = [a for a in rows.attempts if a["case_id"] == case_id]
    declined = [a for a in own if not a["approved"]]
    return CaseAssessment(
        case=case,
        rows=rows,
        income=income,
        forecast=chance,
        segments=case_segments(engine, rows, case, signals, behaviour, medians=memo),
        failures=1 + len(declined),  # the failure that opened the case counts
        last_category=(declined[-1]["category"] if declined else case["category"]) or "",
    )


def recovery_queue(engine: Engine, now: datetime) -> list[QueueEntry]:
    """Open and paused cases, highest priority first."""
    actions = _last_actions(engine)
    entries = []
    for item in assess_open_cases(engine, now):
        case = item.case
        vip = item.segment("vip") == "vip"
        band = item.segment("value")
        score = priority(band, (now - case["failed_at"]).total_seconds() / 86400,
                         item.forecast.probability, vip)  # fmt: skip
        entries.append(
            QueueEntry(
                case_id=case["id"],
                consumer_id=case["consumer_id"],
                status=case["status"],
                owed_minor=max(0, case["amount_minor"] - case["recovered_minor"]),
                currency=case["currency"],
                segment=item.segment("config"),
                value_band=band,
                vip=vip,
                next_action=actions.get(case["id"], "first visit by the engine")
                if case["status"] == "open"
                else f"paused: {case['status_reason'] or '-'}",
                next_at=case["next_at"],
                probability=item.forecast.probability,
                band=item.forecast.band.value,
                priority=score.score,
                priority_why=score.why,
                segments=item.segments,
            )
        )
    return sorted(entries, key=lambda e: (-e.priority, e.next_at or now, e.case_id))


def _last_actions(engine: Engine) -> dict[str, str]:
    return last_actions(engine)


def last_actions(engine: Engine, case_ids: list[str] | None = None) -> dict[str, str]:
    """Each case's latest decision as "kind: reason" (of these cases, or of every case)."""
    d = recovery_decisions.c
    latest = select(d.case_id, func.max(d.id).label("id")).group_by(d.case_id)
    if case_ids is not None:
        latest = latest.where(d.case_id.in_(case_ids))
    found = latest.subquery()
    query = select(d.case_id, d.kind, d.reason).join(found, d.id == found.c.id)
    with engine.connect() as connection:
        return {r.case_id: f"{r.kind}: {r.reason}" for r in connection.execute(query)}
