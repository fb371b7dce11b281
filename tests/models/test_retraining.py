"""Weekly retraining: due after seven days, done in the background of `recovery run`."""

import logging
import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta

import pytest

from app.db.recovery_migrate import make_recovery_engine
from app.services.recovery_model_training import retrain_if_due
from app.services.recovery_models import ModelRegistry
from cli.commands.recovery_models import start_weekly_retraining
from tests.models.recovery_history import NOW, fill
from tests.recovery.run_helpers import ROOT, wait_for


@pytest.fixture(scope="module")
def history_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('retrain') / 'recovery.db'}"
    fill(url, consumers=400)
    return url


@pytest.fixture
def engine(history_url):
    engine = make_recovery_engine(history_url)
    yield engine
    engine.dispose()


def test_models_are_retrained_only_once_their_last_training_is_a_week_old(tmp_path, engine):
    models = tmp_path / "models"

    first = retrain_if_due(models, engine, NOW)
    six_days = retrain_if_due(models, engine, NOW + timedelta(days=6))
    eight_days = retrain_if_due(models, engine, NOW + timedelta(days=8))

    assert [o.kind for o in first] == ["failure", "recovery", "churn"]
    assert all(o.promoted for o in first), [o.reason for o in first]
    assert six_days == []
    assert [o.kind for o in eight_days] == ["failure", "recovery", "churn"]
    registry = ModelRegistry(models)
    for kind in ("failure", "recovery", "churn"):
        assert [v.version for v in registry.versions(kind)] == [
            "20270104T120000Z",
            "20270112T120000Z",
        ]


def test_a_kind_with_too_little_data_is_not_retried_before_the_week_is_out(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    fill(url, consumers=10)
    engine = make_recovery_engine(url)
    try:
        first = retrain_if_due(tmp_path / "models", engine, NOW)
        again = retrain_if_due(tmp_path / "models", engine, NOW + timedelta(days=1))
    finally:
        engine.dispose()

    assert [o.version for o in first] == [None, None, None]
    assert all(o.reason.startswith("too little data") for o in first)
    assert again == []


def test_the_service_retrains_in_the_background_and_survives_a_failed_training(
    tmp_path, engine, caplog
):
    broken = tmp_path / "not-a-folder"
    broken.write_text("a file where the models folder should be")
    stop = threading.Event()
    caplog.set_level(logging.ERROR)

    thread = start_weekly_retraining(engine, broken, stop, lambda: NOW, check_seconds=0.05)
    wait_for(lambda: "retraining the prediction models failed" in caplog.text, timeout=30)
    assert thread.is_alive()  # the service goes on
    stop.set()
    thread.join(timeout=30)

    models = tmp_path / "models"
    stop = threading.Event()
    thread = start_weekly_retraining(engine, models, stop, lambda: NOW, check_seconds=0.05)
    wait_for(lambda: ModelRegistry(models).current_version("churn") is not None, timeout=60)
    stop.set()
    thread.join(timeout=60)
    assert not thread.is_alive()


def test_recovery_run_trains_the_models_beside_its_database(history_url):
    database = history_url.removeprefix("sqlite:///")
    models = os.path.join(os.path.dirname(database), "models")
    command = [
        sys.executable, "-m", "cli.main", "recovery", "run", "--db", history_url,
        "--gateway", "demo", "--poll-seconds", "0.2", "--model-check-seconds", "0.2",
    ]  # fmt: skip
    service = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for(lambda: ModelRegistry(models).current_version("churn") is not None, 90)
    finally:
        service.send_signal(signal.SIGTERM)
        _, err = service.communicate(timeout=60)

    assert service.returncode == 0, err
    assert "churn model promoted" in err
    assert all(ModelRegistry(models).current_version(k) for k in ("failure", "recovery"))


def test_a_worker_skips_the_training_another_worker_is_doing(tmp_path, engine):
    models = tmp_path / "models"
    models.mkdir()
    lock = models / ".retraining.lock"
    lock.touch()

    assert retrain_if_due(models, engine, NOW) == []
    assert ModelRegistry(models).versions("churn") == []

    stale = lock.stat().st_mtime - 3 * 3600  # left by a worker that crashed hours ago
    os.utime(lock, (stale, stale))
    assert [o.kind for o in retrain_if_due(models, engine, NOW)] == ["failure", "recovery", "churn"]
    assert not lock.exists()
