"""The approval-likelihood model: trained on history, chosen on held-out data, versioned files."""

import json
import zlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from threadpoolctl import threadpool_limits

from app.recovery.fast_scoring import Scorer, fast_scorer
from app.recovery.features import FEATURES

MIN_ROWS = 300
MIN_EACH_OUTCOME = 30
HELD_OUT_SHARE = 0.25


@dataclass(frozen=True)
class ModelMetrics:
    rows: int
    approvals: int
    held_out_rows: int
    baseline_log_loss: float
    baseline_auc: float
    chosen: str
    log_loss: float
    brier: float
    auc: float


_threads_limited = False


def _one_thread() -> None:
    """One decision scores one case: OpenMP threads cost far more than they give here (and
    spin-waiting on a shared 2-core machine made a 240-row prediction take half a second)."""
    global _threads_limited
    if not _threads_limited:
        threadpool_limits(limits=1)
        _threads_limited = True


@dataclass
class ApprovalModel:
    estimator: Any
    version: str
    metrics: ModelMetrics
    _scorer: Scorer | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _one_thread()
        self._scorer = fast_scorer(self.estimator)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_scorer"}  # a closure

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._scorer = fast_scorer(self.estimator)

    def approval_likelihood(self, features: np.ndarray) -> np.ndarray:
        if self._scorer is not None:
            return self._scorer(features)
        return self.reference_likelihood(features)

    def reference_likelihood(self, features: np.ndarray) -> np.ndarray:
        """scikit-learn's own predict_proba: the figures the fast scorers must equal exactly."""
        # Our own feature rows are finite by construction: skip sklearn's re-checks.
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            return self.estimator.predict_proba(features)[:, 1]

    def save(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"approval-{self.version}.joblib"
        joblib.dump(
            {
                "estimator": self.estimator,
                "version": self.version,
                "features": FEATURES,
                "metrics": asdict(self.metrics),
            },
            path,
        )
        path.with_suffix(".json").write_text(json.dumps(asdict(self.metrics), indent=2) + "\n")
        return path

    @classmethod
    def load(cls, path: Path) -> "ApprovalModel":
        bundle = joblib.load(path)
        if bundle["features"] != FEATURES:
            raise ValueError(f"{path}: trained on other features; retrain the model")
        return cls(bundle["estimator"], bundle["version"], ModelMetrics(**bundle["metrics"]))


class TooLittleHistory(Exception):
    """Not enough past attempts to learn from: the engine falls back to its rules."""


def train(features: np.ndarray, outcomes: np.ndarray, series: np.ndarray) -> ApprovalModel:
    """The seed's random forest as the baseline; gradient boosting if it does better held out."""
    _one_thread()
    approvals = int(outcomes.sum())
    if len(outcomes) < MIN_ROWS or min(approvals, len(outcomes) - approvals) < MIN_EACH_OUTCOME:
        raise TooLittleHistory(
            f"{len(outcomes)} past attempts ({approvals} approved); at least {MIN_ROWS} with "
            f"{MIN_EACH_OUTCOME} of each outcome are needed"
        )
    # Split by billing series, so no series is on both sides (its attempts are related).
    held_out = np.array([zlib.crc32(str(s).encode()) % 100 < HELD_OUT_SHARE * 100 for s in series])
    if held_out.all() or not held_out.any() or len(set(outcomes[held_out])) < 2:
        held_out = np.arange(len(outcomes)) % 4 == 0
    fit_x, fit_y = features[~held_out], outcomes[~held_out]
    test_x, test_y = features[held_out], outcomes[held_out]
    candidates = {"random_forest": _forest(), "gradient_boosting": _boosting()}
    scores = {}
    for name, estimator in candidates.items():
        estimator.fit(fit_x, fit_y)
        p = np.clip(estimator.predict_proba(test_x)[:, 1], 1e-6, 1 - 1e-6)
        scores[name] = (
            log_loss(test_y, p, labels=[0, 1]),
            brier_score_loss(test_y, p),
            _auc(test_y, p),
        )
    chosen = min(scores, key=lambda name: scores[name][0])
    final = _forest() if chosen == "random_forest" else _boosting()
    final.fit(features, outcomes)  # held-out figures stay as the honest estimate
    metrics = ModelMetrics(
        rows=len(outcomes),
        approvals=approvals,
        held_out_rows=int(held_out.sum()),
        baseline_log_loss=round(scores["random_forest"][0], 5),
        baseline_auc=round(scores["random_forest"][2], 5),
        chosen=chosen,
        log_loss=round(scores[chosen][0], 5),
        brier=round(scores[chosen][1], 5),
        auc=round(scores[chosen][2], 5),
    )
    version = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-sk{sklearn.__version__}"
    return ApprovalModel(final, version, metrics)


def _forest() -> RandomForestClassifier:
    return RandomForestClassifier(
        n_estimators=40, max_depth=10, min_samples_leaf=10, n_jobs=1, random_state=7
    )


def _boosting() -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        max_iter=50, learning_rate=0.15, max_leaf_nodes=31, l2_regularization=1.0, random_state=7
    )


def _auc(y: np.ndarray, p: np.ndarray) -> float:
    return float(roc_auc_score(y, p)) if len(set(y)) == 2 else 0.5
