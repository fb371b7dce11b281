"""Train one model, judge it on held-out data against a trivial baseline, decide promotion."""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.inspection import permutation_importance
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold, TimeSeriesSplit, train_test_split
from threadpoolctl import threadpool_limits

HELD_OUT_SHARE = 0.25
MIN_ROWS = 200
MIN_EACH_CLASS = 20  # in the whole set; the held-out part needs MIN_HELD_OUT_EACH of each
MIN_HELD_OUT_EACH = 5
# A new model must beat the baseline's AUC by this many standard errors (Hanley-McNeil), so
# a lucky draw on noise is not promoted; and its Brier score must be no worse.
AUC_STANDARD_ERRORS = 2.0

Importance = Literal["impurity", "permutation"]


class TooLittleData(Exception):
    """Not enough labelled rows (or of one outcome) to train and judge a model honestly."""


@dataclass(frozen=True)
class Dataset:
    """Rows of features with their outcome (1 = the event we predict) and when each happened."""

    features: np.ndarray
    labels: np.ndarray
    feature_names: list[str]
    times: np.ndarray | None = None  # epoch seconds per row; None: no time order

    def window(self) -> dict[str, Any]:
        if self.times is None or len(self.times) == 0:
            return {"first": None, "last": None, "rows": len(self.labels)}
        return {
            "first": _iso(float(self.times.min())),
            "last": _iso(float(self.times.max())),
            "rows": len(self.labels),
        }


@dataclass(frozen=True)
class Scores:
    auc: float
    brier: float

    def as_json(self) -> dict[str, float]:
        return {"auc": self.auc, "brier": self.brier}


@dataclass(frozen=True)
class Judgement:
    """What held-out data says of a freshly trained model, and whether it may be used."""

    estimator: Any  # refitted on all rows once judged
    scores: Scores
    baseline: Scores
    importances: dict[str, float]
    importance_method: str
    split: str  # "time" (the newest rows held out) or "random" (stratified)
    rows: int
    held_out_rows: int
    positives: int
    auc_margin: float
    promoted: bool
    reason: str
    window: dict[str, Any] = field(default_factory=dict)
    folds: "FoldScores | None" = None  # cross-validation, when asked for

    def metrics_json(self) -> dict[str, Any]:
        return {
            "metrics": self.scores.as_json(),
            "baseline": {**self.baseline.as_json(), "model": "prior rate (DummyClassifier)"},
            "importances": self.importances,
            "importance_method": self.importance_method,
            "split": self.split,
            "rows": self.rows,
            "held_out_rows": self.held_out_rows,
            "positives": self.positives,
            "auc_margin": self.auc_margin,
            "promoted": self.promoted,
            "reason": self.reason,
            **({"cross_validation": self.folds.as_json()} if self.folds else {}),
        }


@dataclass(frozen=True)
class FoldScores:
    """Held-out AUC of each cross-validation fold: one split's luck shows up as spread."""

    aucs: tuple[float, ...]
    scheme: str  # "stratified" (rows without times) or "forward" (train on past, test on next)

    @property
    def mean(self) -> float | None:
        return round(float(np.mean(self.aucs)), 5) if self.aucs else None

    def as_json(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "aucs": list(self.aucs),
            "mean": self.mean,
            "min": min(self.aucs, default=None),
            "max": max(self.aucs, default=None),
        }


def train_and_judge(
    data: Dataset,
    make_estimator: Callable[[], Any],
    importance: Importance,
    seed: int = 7,
    folds: int = 0,
) -> Judgement:
    """Fit on the older rows, score the newest quarter, compare with the prior-rate baseline.

    With `folds` > 1 the AUC is also cross-validated and each fold's score kept.
    """
    labels = data.labels.astype(int)
    positives = int(labels.sum())
    if len(labels) < MIN_ROWS or min(positives, len(labels) - positives) < MIN_EACH_CLASS:
        raise TooLittleData(
            f"{len(labels)} labelled rows ({positives} with the outcome); at least {MIN_ROWS} "
            f"with {MIN_EACH_CLASS} of each outcome are needed"
        )
    with threadpool_limits(limits=1):  # a shared 2-core machine: threads only contend
        fit_rows, test_rows, split = _split(data, labels, seed)
        x_fit, y_fit = data.features[fit_rows], labels[fit_rows]
        x_test, y_test = data.features[test_rows], labels[test_rows]
        estimator = make_estimator().fit(x_fit, y_fit)
        scores = _scores(y_test, estimator.predict_proba(x_test)[:, 1])
        prior = DummyClassifier(strategy="prior").fit(x_fit, y_fit)
        baseline = _scores(y_test, prior.predict_proba(x_test)[:, 1])
        importances = _importances(estimator, importance, x_test, y_test, data.feature_names, seed)
        margin = AUC_STANDARD_ERRORS * _auc_standard_error(
            scores.auc, int(y_test.sum()), int(len(y_test) - y_test.sum())
        )
        promoted, reason = _verdict(scores, baseline, margin)
        final = make_estimator().fit(data.features, labels) if promoted else estimator
        fold_scores = (
            _cross_validate(data, labels, make_estimator, folds, seed) if folds > 1 else None
        )
    return Judgement(
        estimator=final,
        scores=scores,
        baseline=baseline,
        importances=importances,
        importance_method=importance,
        split=split,
        rows=len(labels),
        held_out_rows=len(y_test),
        positives=positives,
        auc_margin=round(margin, 5),
        promoted=promoted,
        reason=reason,
        window=data.window(),
        folds=fold_scores,
    )


def _cross_validate(
    data: Dataset, labels: np.ndarray, make_estimator: Callable[[], Any], folds: int, seed: int
) -> FoldScores:
    """Stratified folds for rows without times; with times, always train on the past only."""
    if data.times is not None:
        order = np.argsort(data.times, kind="stable")
        splits = [
            (order[fit], order[test]) for fit, test in TimeSeriesSplit(n_splits=folds).split(order)
        ]
        scheme = "forward"
    else:
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        splits = list(splitter.split(data.features, labels))
        scheme = "stratified"
    aucs = []
    for fit_rows, test_rows in splits:
        if not _both_outcomes(labels[fit_rows]) or not _both_outcomes(labels[test_rows]):
            continue  # a fold with (almost) one outcome says nothing about ranking
        fitted = make_estimator().fit(data.features[fit_rows], labels[fit_rows])
        aucs.append(
            _scores(labels[test_rows], fitted.predict_proba(data.features[test_rows])[:, 1]).auc
        )
    return FoldScores(aucs=tuple(aucs), scheme=scheme)


def _split(data: Dataset, labels: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, str]:
    """The newest quarter held out when rows have times and both outcomes land on each side."""
    n = len(labels)
    if data.times is not None:
        order = np.argsort(data.times, kind="stable")
        cut = round(n * (1 - HELD_OUT_SHARE))
        fit_rows, test_rows = order[:cut], order[cut:]
        if _both_outcomes(labels[fit_rows]) and _both_outcomes(labels[test_rows]):
            return fit_rows, test_rows, "time"
    fit_rows, test_rows = train_test_split(
        np.arange(n), test_size=HELD_OUT_SHARE, random_state=seed, stratify=labels
    )
    return np.sort(fit_rows), np.sort(test_rows), "random"


def _both_outcomes(labels: np.ndarray) -> bool:
    positives = int(labels.sum())
    return min(positives, len(labels) - positives) >= MIN_HELD_OUT_EACH


def _scores(labels: np.ndarray, p: np.ndarray) -> Scores:
    auc = float(roc_auc_score(labels, p)) if len(set(labels.tolist())) == 2 else 0.5
    return Scores(auc=round(auc, 5), brier=round(float(brier_score_loss(labels, p)), 5))


def _auc_standard_error(auc: float, positives: int, negatives: int) -> float:
    """Hanley & McNeil (1982): how far a held-out AUC wanders by chance at this size."""
    q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
    variance = (
        auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc)
    ) / max(positives * negatives, 1)
    return math.sqrt(max(variance, 0.0))


def _verdict(scores: Scores, baseline: Scores, margin: float) -> tuple[bool, str]:
    if scores.auc <= baseline.auc + margin:
        return False, (
            f"held-out AUC {scores.auc:.3f} is not above the baseline's {baseline.auc:.3f} "
            f"by more than {margin:.3f} (two standard errors)"
        )
    if scores.brier > baseline.brier:
        return False, (
            f"held-out Brier score {scores.brier:.4f} is worse than the baseline's "
            f"{baseline.brier:.4f}"
        )
    return True, (
        f"held-out AUC {scores.auc:.3f} vs baseline {baseline.auc:.3f}, Brier {scores.brier:.4f} "
        f"vs {baseline.brier:.4f}"
    )


def _importances(
    estimator: Any,
    method: Importance,
    x_test: np.ndarray,
    y_test: np.ndarray,
    names: list[str],
    seed: int,
) -> dict[str, float]:
    if method == "impurity":
        values = np.asarray(estimator.feature_importances_)
    else:  # the drop in held-out AUC when one feature's values are shuffled
        result = permutation_importance(
            estimator, x_test, y_test, scoring="roc_auc", n_repeats=3, random_state=seed
        )
        values = result.importances_mean
    ranked = sorted(zip(names, values.tolist(), strict=True), key=lambda kv: -kv[1])
    return {name: round(value, 5) for name, value in ranked}


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")
