"""The collection summary and the seed's KPI targets against the actual figures."""

from collections.abc import Sequence
from dataclasses import dataclass

BASELINE_FIRST_ATTEMPT = 0.30  # a traditional schedule's first-attempt success rate
DEFAULT_COST_PER_RETRY_MINOR = 5000  # 50.00 in the collection's currency, as the seed's ₹50


@dataclass(frozen=True)
class CollectionRecord:
    """One collection (a recovery case) and how it went."""

    collection_id: str
    amount_minor: int
    paid_minor: int
    outcome: str  # successful | failed | pending
    attempts: int
    first_attempt_approved: bool


@dataclass(frozen=True)
class CollectionSummary:
    total_scheduled: int
    successful_collections: int
    failed_collections: int
    pending_collections: int
    collection_success_rate: float  # percent of the scheduled collections
    first_attempt_success_rate: float  # percent of the collections attempted at least once
    total_amount_collected_minor: int
    total_amount_pending_minor: int
    average_retry_count: float  # attempts per collection
    cost_per_retry_minor: int
    cost_saved_minor: int  # negative when the schedule did worse than the baseline
    default_rate: float  # percent of the scheduled collections that failed


@dataclass(frozen=True)
class Kpi:
    name: str
    target: str
    actual: float
    met: bool


def collection_summary(
    records: Sequence[CollectionRecord], cost_per_retry_minor: int = DEFAULT_COST_PER_RETRY_MINOR
) -> CollectionSummary:
    n = len(records)
    successful = sum(1 for r in records if r.outcome == "successful")
    failed = sum(1 for r in records if r.outcome == "failed")
    attempted = [r for r in records if r.attempts]
    first = sum(1 for r in attempted if r.first_attempt_approved)
    first_rate = first / len(attempted) if attempted else 0.0
    # The seed: each first-attempt success beyond the 30 % baseline saves one retry's cost.
    extra = (first_rate - BASELINE_FIRST_ATTEMPT) * len(attempted)
    return CollectionSummary(
        total_scheduled=n,
        successful_collections=successful,
        failed_collections=failed,
        pending_collections=n - successful - failed,
        collection_success_rate=_percent(successful, n),
        first_attempt_success_rate=round(100.0 * first_rate, 1),
        total_amount_collected_minor=sum(r.paid_minor for r in records),
        total_amount_pending_minor=sum(
            r.amount_minor - r.paid_minor for r in records if r.outcome == "pending"
        ),
        average_retry_count=round(sum(r.attempts for r in records) / n, 2) if n else 0.0,
        cost_per_retry_minor=cost_per_retry_minor,
        cost_saved_minor=round(extra * cost_per_retry_minor),
        default_rate=_percent(failed, n),
    )


def kpis(summary: CollectionSummary, cost_target_minor: int = 10000) -> list[Kpi]:
    """The seed's targets: success > 85 %, first attempt > 70 %, retries < 1.5, cost per
    collection < 100 (in the currency's units), defaults < 5 %."""
    attempts = summary.average_retry_count * summary.total_scheduled
    cost = attempts * summary.cost_per_retry_minor / max(summary.successful_collections, 1)
    return [
        Kpi("Collection success rate", "> 85 %", summary.collection_success_rate,
            summary.collection_success_rate > 85),
        Kpi("First-attempt success", "> 70 %", summary.first_attempt_success_rate,
            summary.first_attempt_success_rate > 70),
        Kpi("Average retry count", "< 1.5", summary.average_retry_count,
            summary.average_retry_count < 1.5),
        Kpi("Cost per collection (minor units)", f"< {cost_target_minor}", round(cost),
            cost < cost_target_minor),
        Kpi("Default rate", "< 5 %", summary.default_rate, summary.default_rate < 5),
    ]  # fmt: skip


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0
