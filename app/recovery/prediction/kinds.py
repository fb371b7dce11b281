"""The three model kinds: their algorithm, features and how importances are measured."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.recovery.prediction.churn import CHURN_FEATURES, churn_estimator
from app.recovery.prediction.failure import FAILURE_FEATURES, failure_estimator
from app.recovery.prediction.recovery_odds import RECOVERY_FEATURES, recovery_estimator
from app.recovery.prediction.training import Importance


@dataclass(frozen=True)
class ModelKind:
    name: str
    purpose: str
    algorithm: str
    features: list[str]
    make_estimator: Callable[[], Any]
    importance: Importance


KINDS: dict[str, ModelKind] = {
    "failure": ModelKind(
        "failure",
        "warn before a due charge fails",
        "random forest",
        FAILURE_FEATURES,
        failure_estimator,
        "impurity",
    ),
    "recovery": ModelKind(
        "recovery",
        "likelihood that a failed payment is recovered (the engine's effort score)",
        "gradient boosting (histogram)",
        RECOVERY_FEATURES,
        recovery_estimator,
        "permutation",  # histogram boosting keeps no impurity totals
    ),
    "churn": ModelKind(
        "churn",
        "likelihood that a consumer leaves after failed payments",
        "logistic regression (scaled)",
        CHURN_FEATURES,
        churn_estimator,
        "permutation",
    ),
}
