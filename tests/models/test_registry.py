"""The model registry on disk: a folder per training, metrics with their data window, a pointer."""

import json
from datetime import UTC, datetime

import pytest

from app.domain.errors import UserFacingError
from app.recovery.prediction.churn import CHURN_FEATURES, churn_dataset
from app.services.recovery_model_training import train_one
from app.services.recovery_models import ModelRegistry
from tests.models import generated

FIRST = datetime(2027, 1, 4, 12, tzinfo=UTC)
SECOND = datetime(2027, 1, 11, 12, tzinfo=UTC)


def test_each_training_writes_a_new_version_with_its_metrics_and_data_window(tmp_path):
    registry = ModelRegistry(tmp_path / "models")
    consumers = generated.consumers()

    one = train_one(registry, "churn", churn_dataset(consumers), FIRST)
    two = train_one(registry, "churn", churn_dataset(consumers[:900]), SECOND)

    assert [v.version for v in registry.versions("churn")] == [
        "20270104T120000Z",
        "20270111T120000Z",
    ]
    folder = tmp_path / "models" / "churn" / two.version
    assert (folder / "model.joblib").is_file()
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["features"] == CHURN_FEATURES
    assert metrics["trained_at"] == "2027-01-11T12:00:00+00:00"
    assert "scikit-learn" in metrics["code_version"]
    assert metrics["data_window"] == {
        "first": "2026-01-05T09:00:00Z",
        "last": "2026-07-11T16:00:00Z",  # the 900th consumer: 899 x 5 hours later
        "rows": 900,
    }
    assert metrics["rows"] == 900 and metrics["held_out_rows"] == 225
    assert metrics["split"] == "time"
    assert set(metrics["metrics"]) == {"auc", "brier"} == set(metrics["baseline"]) - {"model"}
    assert set(metrics["importances"]) == set(CHURN_FEATURES)
    assert metrics["importance_method"] == "permutation"
    assert one.metrics["data_window"]["rows"] == 1200
    assert registry.current_version("churn") == two.version


def test_two_trainings_in_the_same_second_keep_both_versions(tmp_path):
    registry = ModelRegistry(tmp_path / "models")
    data = churn_dataset(generated.consumers())

    train_one(registry, "churn", data, FIRST)
    again = train_one(registry, "churn", data, FIRST)

    assert again.version == "20270104T120000Z-2"
    assert len(registry.versions("churn")) == 2


def test_show_gives_the_current_version_or_says_what_is_missing(tmp_path):
    registry = ModelRegistry(tmp_path / "models")
    with pytest.raises(UserFacingError, match="No churn model has been trained"):
        registry.show("churn")
    with pytest.raises(UserFacingError, match="Unknown model kind 'fraud'"):
        registry.show("fraud")
    made = train_one(registry, "churn", churn_dataset(generated.consumers()), FIRST)

    assert registry.show("churn").version == made.version
    with pytest.raises(UserFacingError, match="no churn model version 1999"):
        registry.show("churn", "1999")


def test_too_little_data_writes_no_model_but_remembers_the_training(tmp_path):
    registry = ModelRegistry(tmp_path / "models")

    outcome = train_one(registry, "churn", churn_dataset(generated.consumers(count=50)), FIRST)

    assert outcome.version is None and not outcome.promoted
    assert outcome.reason.startswith("too little data: 50 labelled rows")
    assert registry.versions("churn") == []
    assert registry.load_current("churn") is None
    assert registry.last_training("churn") == FIRST
