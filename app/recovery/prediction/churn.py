"""Churn prediction: will a consumer leave after failed payments? Scaled logistic regression."""

import math
from collections.abc import Iterable

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from app.recovery.prediction.records import ConsumerActivity
from app.recovery.prediction.training import Dataset

NEUTRAL_SATISFACTION = 3.0

CHURN_FEATURES = [
    "failures",
    "attempts",
    "declined_share",
    "messages",
    "read_share",
    "recovered_share",
    "satisfaction",
    "satisfaction_known",
    "dissatisfied",
    "log_usage",
    "tenure_days",
]


def churn_row(consumer: ConsumerActivity) -> list[float]:
    known = consumer.satisfaction is not None
    satisfaction = consumer.satisfaction if known else NEUTRAL_SATISFACTION
    return [
        float(consumer.failures),
        float(consumer.attempts),
        consumer.declined_attempts / consumer.attempts if consumer.attempts else 0.0,
        float(consumer.messages),
        consumer.messages_read / consumer.messages if consumer.messages else 0.0,
        consumer.recovered_cases / consumer.failures if consumer.failures else 0.0,
        float(satisfaction),  # type: ignore[arg-type]
        float(known),
        # Unhappiness is a threshold, not a slope: a linear model needs it said outright.
        float(known and satisfaction <= 2),  # type: ignore[operator]
        math.log1p(max(consumer.usage_minor, 0)),
        float(consumer.tenure_days),
    ]


def churn_dataset(consumers: Iterable[ConsumerActivity], *, timed: bool = True) -> Dataset:
    """Consumers whose outcome is known; 1 = churned. Ordered by their first failure."""
    known = sorted(
        (c for c in consumers if c.churned is not None), key=lambda c: c.first_failure_at
    )
    return Dataset(
        features=np.array([churn_row(c) for c in known], dtype=np.float64).reshape(
            len(known), len(CHURN_FEATURES)
        ),
        labels=np.array([int(bool(c.churned)) for c in known], dtype=int),
        feature_names=list(CHURN_FEATURES),
        times=np.array([c.first_failure_at.timestamp() for c in known]) if timed else None,
    )


def churn_estimator() -> Pipeline:
    return Pipeline(
        [("scale", StandardScaler()), ("model", LogisticRegression(C=1.0, max_iter=1000))]
    )
