"""The approval model: learns the payday pattern, is a versioned file, refuses thin history."""

from datetime import UTC, datetime

import numpy as np
import pytest

from app.recovery.features import AttemptSituation, feature_matrix
from app.recovery.model import ApprovalModel, TooLittleHistory, train
from app.recovery.payday import infer_paydays
from tests.support.recovery_model import NEW_YORK, _history, _rows


def test_paydays_are_read_from_approved_payments():
    days = [datetime(2026, m, d).date() for m, d in ((1, 1), (2, 2), (3, 1), (4, 15), (5, 2))]
    assert infer_paydays(days) == (1,)
    assert infer_paydays(days[:2]) == ()  # too few to say


def test_too_little_history_is_refused_so_the_engine_falls_back():
    features, outcomes, series = _rows(_history(consumers=3, months=2))
    with pytest.raises(TooLittleHistory, match="at least"):
        train(features, outcomes, series)


def test_the_model_prefers_the_days_after_payday_and_round_trips(tmp_path):
    features, outcomes, series = _rows(_history(consumers=60, months=8))
    model = train(features, outcomes, series)
    assert model.metrics.auc > 0.7
    assert model.metrics.chosen in ("random_forest", "gradient_boosting")
    situation = AttemptSituation(
        5_000, "card", "visa", "debit", 2, None, "insufficient_funds", False, False, (1,), NEW_YORK
    )
    payday = datetime(2027, 2, 2, 15, tzinfo=UTC)
    mid_month = datetime(2027, 2, 16, 15, tzinfo=UTC)
    likely = model.approval_likelihood(feature_matrix(situation, [payday, mid_month]))
    assert likely[0] > likely[1]
    path = model.save(tmp_path)
    assert path.with_suffix(".json").exists()
    again = ApprovalModel.load(path)
    assert again.version == model.version
    matrix = feature_matrix(situation, [payday])
    assert np.allclose(again.approval_likelihood(matrix), model.approval_likelihood(matrix))
