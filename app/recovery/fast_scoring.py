"""predict_proba without scikit-learn's per-call checks, for the two estimators we train.

One decision scores a few hundred candidate rows, where input validation, joblib dispatch and
per-tree checks cost more than the trees. The trees are walked by scikit-learn's own compiled
code in the same order and summed the same way, so the figures equal predict_proba's to the
bit (tests/recovery/test_fast_scoring.py); any other estimator keeps predict_proba.
"""

from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier

Scorer = Callable[[np.ndarray], np.ndarray]


def fast_scorer(estimator: Any) -> Scorer | None:
    """The approval likelihood (class 1) of each row, or None: use predict_proba."""
    try:
        if isinstance(estimator, HistGradientBoostingClassifier):
            return _boosting(estimator)
        if isinstance(estimator, RandomForestClassifier):
            return _forest(estimator)
    except AttributeError:  # another scikit-learn's internals: the plain path still works
        return None
    return None


def _boosting(model: HistGradientBoostingClassifier) -> Scorer | None:
    if model.n_trees_per_iteration_ != 1 or model._preprocessor is not None:
        return None
    known_categories, feature_map = model._bin_mapper.make_known_categories_bitsets()
    predictors = [iteration[0] for iteration in model._predictors]
    baseline = model._baseline_prediction
    loss = model._loss

    def score(features: np.ndarray) -> np.ndarray:
        rows = np.ascontiguousarray(features, dtype=np.float64)
        raw = np.zeros((rows.shape[0], 1), dtype=baseline.dtype, order="F")
        raw += baseline
        column = raw[:, 0]
        for predictor in predictors:  # as _predict_iterations adds them, one at a time
            column += predictor.predict(rows, known_categories, feature_map, 1)
        return loss.predict_proba(raw)[:, 1]

    return score


def _forest(model: RandomForestClassifier) -> Scorer | None:
    if model.n_outputs_ != 1:
        return None
    classes = int(model.n_classes_)
    trees = [estimator.tree_ for estimator in model.estimators_]

    def score(features: np.ndarray) -> np.ndarray:
        rows = np.ascontiguousarray(features, dtype=np.float32)  # the trees' own dtype
        total = np.zeros((rows.shape[0], classes), dtype=np.float64)
        for tree in trees:  # as predict_proba accumulates them with one job
            total += tree.predict(rows)[:, :classes]
        total /= len(trees)
        return total[:, 1]

    return score
