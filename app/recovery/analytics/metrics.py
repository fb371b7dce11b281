"""Payment-method metrics over failed payments: failure, recovery, time, cost, churn, satisfaction.

Definitions (the guide's KPIs, made precise for what the recovery database knows):
* failure rate = failed first charges / all first charges. The recovery database only sees the
  failures (its cases), so the denominator is the charge volume the gateways report per day,
  method and gateway (`ChargeVolume`). With no volume recorded the rate is unknown (None) - never
  guessed from the retries, whose decline rate is reported apart (`retry_decline_rate`).
* recovery rate = recovered cases / cases failed in the period (recovered: paid in full).
* average recovery time = mean days from the failure to the approving charge, recovered cases.
* recovery cost = attempt fees (per answered charge, by gateway) + message costs (per accepted
  message, by channel), in minor units of the deployment currency.
* churn rate = consumers lost after a failure / consumers with a failure: lost means none of
  their cases in the period was recovered and a case was stopped or they opted out of messages.
* satisfaction = satisfied answers / answers, where a "satisfaction" event recorded one.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

DIMENSIONS = ("method", "gateway", "segment", "category")


@dataclass(frozen=True)
class CaseFacts:
    """One failed payment and what became of it, as analytics reads it."""

    case_id: str
    consumer_id: str
    method: str  # analytics method (credit_card, debit_card, enach, ...)
    gateway: str
    segment: str
    category: str  # the method's failure category
    failed_at: datetime
    recovered: bool = False  # paid in full
    recovered_at: datetime | None = None  # when the approving charge came, where known
    stopped: bool = False  # closed unrecovered
    opted_out: bool = False
    retries: int = 0  # retry charges answered by the gateway
    retry_declines: int = 0
    messages: tuple[tuple[str, int], ...] = ()  # accepted messages per channel
    satisfied: bool | None = None  # the consumer's answer, where one was recorded

    def key(self, dimension: str) -> str:
        if dimension == "category":
            return f"{self.method}/{self.category}"
        return str(getattr(self, dimension))


@dataclass(frozen=True)
class ChargeVolume:
    """All first charges (approved or not) one gateway made on one method on one day."""

    day: date
    method: str
    gateway: str
    charges: int


@dataclass(frozen=True)
class CostRates:
    """What a retry and a message cost, in minor units; anything not listed costs the default."""

    attempt_fee_minor: Mapping[str, int] = field(default_factory=dict)  # by gateway
    message_cost_minor: Mapping[str, int] = field(default_factory=dict)  # by channel
    default_attempt_fee_minor: int = 0
    default_message_cost_minor: int = 0

    def cost_of(self, case: CaseFacts) -> int:
        fee = self.attempt_fee_minor.get(case.gateway, self.default_attempt_fee_minor)
        messages = sum(
            count * self.message_cost_minor.get(channel, self.default_message_cost_minor)
            for channel, count in case.messages
        )
        return case.retries * fee + messages


@dataclass(frozen=True)
class GroupMetrics:
    key: str
    failed: int
    charges: int | None
    failure_rate: float | None
    recovered: int
    recovery_rate: float | None
    unresolved: int  # neither recovered nor stopped yet
    avg_recovery_days: float | None
    retries: int
    retry_decline_rate: float | None
    recovery_cost_minor: int
    cost_per_recovery_minor: int | None
    consumers: int
    churned: int
    churn_rate: float | None
    satisfaction_responses: int
    satisfaction_rate: float | None


def _rate(part: int, whole: int | None) -> float | None:
    return part / whole if whole else None


def churned_consumers(cases: Iterable[CaseFacts]) -> set[str]:
    by_consumer: dict[str, list[CaseFacts]] = defaultdict(list)
    for case in cases:
        by_consumer[case.consumer_id].append(case)
    return {
        consumer
        for consumer, own in by_consumer.items()
        if not any(c.recovered for c in own) and any(c.stopped or c.opted_out for c in own)
    }


def group_metrics(
    key: str, cases: list[CaseFacts], charges: int | None, rates: CostRates
) -> GroupMetrics:
    recovered = [c for c in cases if c.recovered]
    days = [
        (c.recovered_at - c.failed_at).total_seconds() / 86400
        for c in recovered
        if c.recovered_at is not None
    ]
    retries = sum(c.retries for c in cases)
    cost = sum(rates.cost_of(c) for c in cases)
    consumers = {c.consumer_id for c in cases}
    churned = churned_consumers(cases)
    answers = [c.satisfied for c in cases if c.satisfied is not None]
    return GroupMetrics(
        key=key,
        failed=len(cases),
        charges=charges,
        failure_rate=_rate(len(cases), charges),
        recovered=len(recovered),
        recovery_rate=_rate(len(recovered), len(cases)),
        unresolved=sum(1 for c in cases if not c.recovered and not c.stopped),
        avg_recovery_days=sum(days) / len(days) if days else None,
        retries=retries,
        retry_decline_rate=_rate(sum(c.retry_declines for c in cases), retries),
        recovery_cost_minor=cost,
        cost_per_recovery_minor=round(cost / len(recovered)) if recovered else None,
        consumers=len(consumers),
        churned=len(churned),
        churn_rate=_rate(len(churned), len(consumers)),
        satisfaction_responses=len(answers),
        satisfaction_rate=_rate(sum(answers), len(answers)),
    )


def volume_for(dimension: str, volumes: Iterable[ChargeVolume]) -> Callable[[str], int | None]:
    """The charge count behind a group's failure rate; None where volume is not kept that way.

    Volume is kept per method and gateway; a category's rate is its share of its method's
    charges; segments have no volume of their own.
    """
    totals: dict[str, int] = defaultdict(int)
    for volume in volumes:
        if dimension in ("method", "category"):
            totals[volume.method] += volume.charges
        elif dimension == "gateway":
            totals[volume.gateway] += volume.charges
    if dimension == "segment":
        return lambda key: None
    if dimension == "category":
        return lambda key: totals.get(key.split("/", 1)[0]) or None
    return lambda key: totals.get(key) or None


def metrics_by(
    dimension: str,
    cases: Iterable[CaseFacts],
    volumes: Iterable[ChargeVolume] = (),
    rates: CostRates | None = None,
) -> list[GroupMetrics]:
    """One row per method, gateway, segment or method/category, busiest first, then a total."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    rates = rates or CostRates()
    volumes = list(volumes)
    groups: dict[str, list[CaseFacts]] = defaultdict(list)
    for case in cases:
        groups[case.key(dimension)].append(case)
    charges_of = volume_for(dimension, volumes)
    if dimension in ("method", "gateway"):  # a method with volume and no failure is news too
        for volume in volumes:
            groups.setdefault(getattr(volume, dimension), [])
    rows = [group_metrics(k, v, charges_of(k), rates) for k, v in groups.items()]
    rows.sort(key=lambda row: (-row.failed, row.key))
    everything = [c for v in groups.values() for c in v]
    total_charges = sum(v.charges for v in volumes) or None
    return [*rows, group_metrics("all", everything, total_charges, rates)]
