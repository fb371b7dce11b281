"""A consumer's Smart Collect view from the recovery database: pattern, window, band, upcoming
collections, signals, recommendations and the collection summary with its KPIs.

Credits come from `tilldesk recovery credits import` (bank statements, account aggregators);
without any, the consumer's approved payments stand in for them (they cluster after paydays),
and balances are then unknown, so bands come from the approval history instead.
"""

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from app.recovery.smart_collect.behaviour import (
    PaymentBehaviour,
    SpendingPattern,
    payment_behaviour,
    spending_pattern,
)
from app.recovery.smart_collect.income import IncomePattern, infer_income
from app.recovery.smart_collect.probability import calibrate, history_rate
from app.recovery.smart_collect.recommendations import Recommendation, recommendations
from app.recovery.smart_collect.retry import RetryPlan, next_retry
from app.recovery.smart_collect.segments import Segment
from app.recovery.smart_collect.signals import RiskSignal, money_text, risk_signals
from app.recovery.smart_collect.summary import (
    DEFAULT_COST_PER_RETRY_MINOR,
    CollectionRecord,
    CollectionSummary,
    Kpi,
    collection_summary,
    kpis,
)
from app.recovery.smart_collect.upcoming import Scheduled, UpcomingCollection, place_upcoming
from app.recovery.smart_collect.window import CollectionWindow, next_window
from app.services.smart_collect_data import (
    ConsumerRows,
    approved_as_credits,
    attempt_records,
    forecast_outcomes,
    paid_bills,
    read_consumer,
    record_forecasts,
)
from app.services.smart_collect_segments import case_segments

AUTOPAY_METHODS = ("upi_autopay", "enach")
OUTCOMES = {"paid": "successful", "at_counter": "successful", "stopped": "failed",
            "disputed": "failed"}  # fmt: skip


@dataclass(frozen=True)
class HistoryEntry:
    collection_id: str
    attempt_number: int
    attempted_at: datetime  # consumer-local
    amount_minor: int
    status: str  # SUCCESS | FAILED
    category: str | None
    method: str


@dataclass(frozen=True)
class SmartRetry:
    """What the smart retry rules advise for an open case after its last decline."""

    case_id: str
    retries: int
    last_category: str
    plan: RetryPlan


@dataclass(frozen=True)
class SmartCollectView:
    consumer_id: str
    name: str
    generated_at: datetime
    currency: str
    income: IncomePattern
    spending: SpendingPattern
    behaviour: PaymentBehaviour
    next_window: CollectionWindow | None
    upcoming: list[UpcomingCollection]
    smart_retries: list[SmartRetry]
    history: list[HistoryEntry]
    signals: list[RiskSignal]
    recommendations: list[Recommendation]
    summary: CollectionSummary
    kpis: list[Kpi]
    segments: list[Segment]  # of the consumer's latest case
    calibration: str


def smart_collect_view(
    engine: Engine,
    consumer_id: str,
    now: datetime,
    cost_per_retry_minor: int = DEFAULT_COST_PER_RETRY_MINOR,
    *,
    record: bool = True,
    rows: ConsumerRows | None = None,
    outcomes: list[tuple[float, bool]] | None = None,
) -> SmartCollectView:
    """Everything the Smart Collect screen and API show for one consumer (one long assembly
    of the pure parts, in the order they depend on each other); today's forecasts are kept
    for the calibration unless `record` is False. The feed's publisher passes `rows` and
    `outcomes` it read once for many consumers."""
    rows = rows if rows is not None else read_consumer(engine, consumer_id)
    today = now.astimezone(rows.zone).date()
    currency = rows.cases[-1]["currency"] if rows.cases else "USD"
    attempts = attempt_records(rows)
    income = income_of(rows)
    owed = sum(_owed(c) for c in rows.cases if c["status"] in ("open", "paused"))
    typical_owed = owed or (rows.cases[-1]["amount_minor"] if rows.cases else 0)
    spending = spending_pattern(attempts, rows.credits, typical_owed)
    behaviour = payment_behaviour(paid_bills(rows), [a.at for a in attempts if a.approved])
    approved = sum(1 for a in attempts if a.approved)
    calibration = calibrate(outcomes if outcomes is not None else forecast_outcomes(engine))
    balances_known = income.source == "credits"
    upcoming = place_upcoming(
        scheduled_collections(rows),
        income if balances_known else _without_amounts(income),
        today=today,
        rate=history_rate(approved, len(attempts)),
        calibration=calibration,
        floor_minor=0,
    )
    signals = risk_signals(
        today=today, income=income, spending=spending, behaviour=behaviour, attempts=attempts,
        owed_minor=typical_owed, money=money_text(currency),
    )  # fmt: skip
    summary = collection_summary(_records(rows), cost_per_retry_minor)
    if record:
        record_forecasts(engine, [_forecast_row(u, now, today) for u in upcoming])
    return SmartCollectView(
        consumer_id=consumer_id,
        name=rows.consumer.get("name", ""),
        generated_at=now,
        currency=currency,
        income=income,
        spending=spending,
        behaviour=behaviour,
        next_window=next_window(income, today),
        upcoming=upcoming,
        smart_retries=smart_retries(rows, income),
        history=_history(rows, attempts),
        signals=signals,
        recommendations=recommendations(upcoming, signals, income),
        summary=summary,
        # The seed's cost target (100) is two of its retries (50 each), in any currency.
        kpis=kpis(summary, cost_target_minor=2 * cost_per_retry_minor),
        segments=case_segments(engine, rows, rows.cases[-1], signals, behaviour)
        if rows.cases
        else [],
        calibration=f"calibrated on {calibration.outcomes} outcomes"
        if calibration
        else "the seed's fixed thresholds (too few outcomes to calibrate)",
    )


def income_of(rows: ConsumerRows) -> IncomePattern:
    if rows.credits:
        return infer_income(rows.credits, "credits")
    return infer_income(approved_as_credits(rows), "approved payments")


def scheduled_collections(rows: ConsumerRows) -> list[Scheduled]:
    found = []
    for case in rows.cases:
        if case["status"] != "open" or case["next_at"] is None:
            continue
        kind = (
            "autopay"
            if case["method"] in AUTOPAY_METHODS
            else "installment"
            if case["product"] == "installment"
            else "case"
        )
        found.append(
            Scheduled(
                case["id"], kind, _owed(case), case["currency"],
                case["next_at"].astimezone(rows.zone).date(),
            )
        )  # fmt: skip
    return found


def smart_retries(rows: ConsumerRows, income: IncomePattern) -> list[SmartRetry]:
    """For each open case: low balance waits for the credit, technical trouble the next day,
    at most four attempts before a person takes over."""
    found = []
    for case in rows.cases:
        if case["status"] != "open":
            continue
        own = [a for a in rows.attempts if a["case_id"] == case["id"]]
        declined = [a for a in own if not a["approved"]]
        last_at = declined[-1]["at"] if declined else case["failed_at"]
        category = (declined[-1]["category"] if declined else case["category"]) or ""
        plan = next_retry(category, last_at.astimezone(rows.zone).date(), len(own), income)
        found.append(SmartRetry(case["id"], len(own), category, plan))
    return found


def view_as_dict(view: SmartCollectView) -> dict[str, Any]:
    """JSON-ready: dates and datetimes as ISO text, enums as their values."""
    return _plain(asdict(view))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, int | float | str):
        return value.value
    return value


def _without_amounts(income: IncomePattern) -> IncomePattern:
    """Approved payments tell when money arrives, not how much: no balance is predicted."""
    return replace(income, typical_amount_minor=0)


def _owed(case: dict[str, Any]) -> int:
    return max(0, case["amount_minor"] - case["recovered_minor"])


def _records(rows: ConsumerRows) -> list[CollectionRecord]:
    by_case: dict[str, list[dict[str, Any]]] = {}
    for attempt in rows.attempts:
        by_case.setdefault(attempt["case_id"], []).append(attempt)
    return [
        CollectionRecord(
            collection_id=case["id"],
            amount_minor=case["amount_minor"],
            paid_minor=case["recovered_minor"],
            outcome=OUTCOMES.get(case["status"], "pending"),
            attempts=len(by_case.get(case["id"], [])),
            first_attempt_approved=bool(by_case.get(case["id"]))
            and bool(by_case[case["id"]][0]["approved"]),
        )
        for case in rows.cases
    ]


def _history(rows: ConsumerRows, attempts: list[Any]) -> list[HistoryEntry]:
    methods = {c["id"]: c["method"] for c in rows.cases}
    numbers: dict[str, int] = {}
    entries = []
    for attempt in attempts:
        numbers[attempt.case_id] = numbers.get(attempt.case_id, 0) + 1
        entries.append(
            HistoryEntry(
                attempt.case_id, numbers[attempt.case_id], attempt.at, attempt.amount_minor,
                "SUCCESS" if attempt.approved else "FAILED", attempt.category,
                methods.get(attempt.case_id, ""),
            )
        )  # fmt: skip
    return list(reversed(entries))  # newest first


def _forecast_row(item: UpcomingCollection, now: datetime, today: Any) -> dict[str, Any]:
    return {
        "case_id": item.collection_id,
        "made_on": today.isoformat(),
        "made_at": now,
        "for_date": item.scheduled_date.isoformat(),
        "probability": item.raw_probability,
        "band": item.status.value,
    }
