"""Recovery optimization: how likely is a failed payment to be recovered? Gradient boosting."""

import math
from collections.abc import Iterable

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from app.recovery.codes import Category
from app.recovery.prediction.records import FailedPayment
from app.recovery.prediction.training import Dataset

CATEGORIES = [c.value for c in Category]
METHODS = ["card", "enach", "upi_autopay"]
GATEWAYS = ["nmi", "stripe", "razorpay"]
SEGMENTS = ["standard", "vip", "high_value"]

RECOVERY_FEATURES = [
    *(f"category_{c}" for c in CATEGORIES),
    "has_advice_code",
    *(f"segment_{s}" for s in SEGMENTS),
    "vip",
    *(f"method_{m}" for m in METHODS),
    *(f"gateway_{g}" for g in GATEWAYS),
    "log_amount",
    "day_of_month",
    "day_of_week",
]


def recovery_row(case: FailedPayment) -> list[float]:
    return [
        *(float(case.category == c) for c in CATEGORIES),
        float(bool(case.advice_code)),
        *(float(case.segment == s) for s in SEGMENTS),
        float(case.vip),
        *(float(case.method == m) for m in METHODS),
        *(float(case.gateway == g) for g in GATEWAYS),
        math.log1p(max(case.amount_minor, 0)),
        float(case.failed_at.day),
        float(case.failed_at.weekday()),
    ]


def recovery_dataset(cases: Iterable[FailedPayment]) -> Dataset:
    """Cases whose outcome is known; 1 = recovered. Ordered by when the payment failed."""
    known = sorted((c for c in cases if c.recovered is not None), key=lambda c: c.failed_at)
    return Dataset(
        features=np.array([recovery_row(c) for c in known], dtype=np.float64).reshape(
            len(known), len(RECOVERY_FEATURES)
        ),
        labels=np.array([int(bool(c.recovered)) for c in known], dtype=int),
        feature_names=list(RECOVERY_FEATURES),
        times=np.array([c.failed_at.timestamp() for c in known], dtype=np.float64),
    )


def recovery_likelihood(estimator: object, case: FailedPayment) -> float:
    """The score the engine can weigh a case's effort by (0..1)."""
    row = np.array([recovery_row(case)], dtype=np.float64)
    return float(estimator.predict_proba(row)[0, 1])  # type: ignore[attr-defined]


def recovery_estimator(rounds: int = 100) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        max_iter=rounds,
        learning_rate=0.1,
        max_leaf_nodes=15,
        min_samples_leaf=20,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=7,
    )
