"""Failure prediction: will this due charge fail? A random forest over the consumer's history."""

import math
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sklearn.ensemble import RandomForestClassifier

from app.recovery.prediction.records import Charge
from app.recovery.prediction.training import Dataset

METHODS = ["card", "enach", "upi_autopay"]
NO_FAILURE_DAYS = 365.0
RECENT = 5

FAILURE_FEATURES = [
    # payment history
    "prior_charges",
    "prior_failure_rate",
    "recent_failure_rate",
    "log_average_amount",
    "amount_to_average",
    "days_since_last_failure",
    "attempt_number",
    # payment method: type, age, success rate
    *(f"method_{m}" for m in METHODS),
    "method_age_days",
    "method_failure_rate",
    "log_amount",
    # temporal (UTC)
    "day_of_week",
    "month",
    "season",
    "hour",
    "day_of_month",
]


@dataclass
class ChargeHistory:
    """One consumer's charges so far, kept as running totals (rows are built in time order)."""

    charges: int = 0
    failures: int = 0
    amount_total: int = 0
    recent: deque[bool] = field(default_factory=lambda: deque(maxlen=RECENT))
    last_failure: datetime | None = None
    method_first: dict[str, datetime] = field(default_factory=dict)
    method_counts: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    def add(self, charge: Charge) -> None:
        self.charges += 1
        self.failures += charge.failed
        self.amount_total += charge.amount_minor
        self.recent.append(charge.failed)
        if charge.failed:
            self.last_failure = charge.at
        self.method_first.setdefault(charge.method, charge.at)
        counts = self.method_counts[charge.method]
        counts[0] += 1
        counts[1] += charge.failed


def _rate(failures: int, charges: int) -> float:
    # Smoothed toward one half, so a first charge is not read as certain success or failure.
    return (failures + 1) / (charges + 2)


def failure_row(history: ChargeHistory, charge: Charge) -> list[float]:
    average = history.amount_total / history.charges if history.charges else charge.amount_minor
    since = (
        (charge.at - history.last_failure).total_seconds() / 86400
        if history.last_failure
        else NO_FAILURE_DAYS
    )
    first = history.method_first.get(charge.method)
    method_charges, method_failures = history.method_counts.get(charge.method, [0, 0])
    at = charge.at
    return [
        float(history.charges),
        _rate(history.failures, history.charges),
        _rate(sum(history.recent), len(history.recent)),
        math.log1p(max(average, 0)),
        charge.amount_minor / average if average > 0 else 1.0,
        min(since, NO_FAILURE_DAYS),
        float(charge.attempt_number),
        *(float(charge.method == m) for m in METHODS),
        (at - first).total_seconds() / 86400 if first else 0.0,
        _rate(method_failures, method_charges),
        math.log1p(max(charge.amount_minor, 0)),
        float(at.weekday()),
        float(at.month),
        float((at.month % 12) // 3),  # 0 winter, 1 spring, 2 summer, 3 autumn
        at.hour + at.minute / 60,
        float(at.day),
    ]


def failure_dataset(charges: Iterable[Charge]) -> Dataset:
    """One row per charge, its features from that consumer's earlier charges only."""
    histories: dict[str, ChargeHistory] = defaultdict(ChargeHistory)
    rows, labels, times = [], [], []
    for charge in sorted(charges, key=lambda c: (c.at, c.consumer_id, c.attempt_number)):
        history = histories[charge.consumer_id]
        rows.append(failure_row(history, charge))
        labels.append(int(charge.failed))
        times.append(charge.at.timestamp())
        history.add(charge)
    return Dataset(
        features=np.array(rows, dtype=np.float64).reshape(len(rows), len(FAILURE_FEATURES)),
        labels=np.array(labels, dtype=int),
        feature_names=list(FAILURE_FEATURES),
        times=np.array(times, dtype=np.float64),
    )


def due_charge_features(past: Sequence[Charge], due: Charge) -> np.ndarray:
    """The row for a charge not yet made, from the consumer's past charges (to warn early)."""
    history = ChargeHistory()
    for charge in sorted(past, key=lambda c: c.at):
        history.add(charge)
    return np.array([failure_row(history, due)], dtype=np.float64)


def failure_estimator(trees: int = 100) -> RandomForestClassifier:
    return RandomForestClassifier(
        n_estimators=trees, min_samples_leaf=5, max_features="sqrt", n_jobs=1, random_state=7
    )
