"""Each model beats the prior-rate baseline on a known signal and is promoted; noise is refused."""

from datetime import UTC, datetime

import pytest

from app.recovery.prediction.churn import churn_dataset
from app.recovery.prediction.failure import failure_dataset
from app.recovery.prediction.recovery_odds import recovery_dataset
from app.services.recovery_model_training import train_one
from app.services.recovery_models import ModelRegistry
from tests.models import generated

NOW = datetime(2027, 1, 4, 12, tzinfo=UTC)
LATER = datetime(2027, 1, 5, 12, tzinfo=UTC)

CASES = {
    "failure": (lambda: generated.charges(), failure_dataset, "failed"),
    "recovery": (lambda: generated.failed_payments(), recovery_dataset, "recovered"),
    "churn": (lambda: generated.consumers(), churn_dataset, "churned"),
}


@pytest.mark.parametrize("kind", CASES)
def test_a_model_with_a_real_signal_beats_its_baseline_and_becomes_current(tmp_path, kind):
    rows, to_dataset, _ = CASES[kind]
    registry = ModelRegistry(tmp_path / "models")

    outcome = train_one(registry, kind, to_dataset(rows()), NOW)

    metrics = outcome.metrics
    assert outcome.promoted, outcome.reason
    assert metrics["metrics"]["auc"] > metrics["baseline"]["auc"] + 0.1
    assert metrics["metrics"]["brier"] < metrics["baseline"]["brier"]
    assert metrics["baseline"]["auc"] == 0.5  # the prior rate ranks nobody above anybody
    assert registry.current_version(kind) == outcome.version
    assert registry.load_current(kind).version == outcome.version
    # Cross-validated too, each fold trained on the past only: the spread is on record.
    folds = metrics["cross_validation"]
    assert folds["scheme"] == "forward" and len(folds["aucs"]) == 5
    assert folds["min"] > 0.5 and folds["min"] <= folds["mean"] <= folds["max"], folds


@pytest.mark.parametrize("kind", CASES)
def test_a_model_trained_on_noise_is_refused_and_the_current_model_stays(tmp_path, kind):
    rows, to_dataset, outcome_field = CASES[kind]
    registry = ModelRegistry(tmp_path / "models")
    good = train_one(registry, kind, to_dataset(rows()), NOW)

    noise = train_one(
        registry, kind, to_dataset(generated.without_signal(rows(), outcome_field)), LATER
    )

    assert not noise.promoted
    assert "baseline" in noise.reason
    assert registry.current_version(kind) == good.version
    assert [v.version for v in registry.versions(kind)] == [good.version, noise.version]
    refused = registry.versions(kind)[-1]
    assert refused.metrics["promoted"] is False and not refused.current


def test_the_recovery_score_ranks_a_short_of_funds_decline_above_a_fraud_decline(tmp_path):
    from app.recovery.prediction.recovery_odds import recovery_likelihood

    registry = ModelRegistry(tmp_path / "models")
    train_one(registry, "recovery", recovery_dataset(generated.failed_payments()), NOW)
    model = registry.load_current("recovery")
    case = generated.failed_payments(cases=1)[0]

    short = recovery_likelihood(
        model.estimator, case.__class__(**{**case.__dict__, "category": "insufficient_funds"})
    )
    fraud = recovery_likelihood(
        model.estimator, case.__class__(**{**case.__dict__, "category": "fraud"})
    )

    assert short > fraud + 0.3


def test_a_due_charge_of_a_consumer_who_often_fails_gets_the_higher_warning(tmp_path):
    from app.recovery.prediction.failure import due_charge_features
    from app.recovery.prediction.records import Charge

    registry = ModelRegistry(tmp_path / "models")
    train_one(registry, "failure", failure_dataset(generated.charges()), NOW)
    model = registry.load_current("failure").estimator

    def history(failed: bool) -> list[Charge]:
        start = generated.START
        return [Charge("X", start.replace(month=m), 10_000, "card", 1, failed) for m in range(1, 8)]

    due = Charge("X", generated.START.replace(month=8, day=12), 10_000, "card", 1, False)
    risky = model.predict_proba(due_charge_features(history(True), due))[0, 1]
    steady = model.predict_proba(due_charge_features(history(False), due))[0, 1]

    assert risky > steady + 0.2
