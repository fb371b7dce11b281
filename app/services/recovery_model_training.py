"""Train the prediction models from the recovery records, weekly or on demand, and register them."""

import logging
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from app.domain.errors import UserFacingError
from app.recovery.history import PastAttempt
from app.recovery.prediction.churn import churn_dataset
from app.recovery.prediction.failure import failure_dataset
from app.recovery.prediction.kinds import KINDS
from app.recovery.prediction.recovery_odds import recovery_dataset
from app.recovery.prediction.training import Dataset, TooLittleData, train_and_judge
from app.services.recovery_model_data import RecoveryRecords, charges_from_history
from app.services.recovery_models import ModelRegistry

log = logging.getLogger(__name__)

RETRAIN_EVERY = timedelta(days=7)
TOO_LITTLE = "too little data"
LOCK_FILE = ".retraining.lock"
LOCK_STALE = timedelta(hours=2)


@dataclass(frozen=True)
class TrainingOutcome:
    kind: str
    promoted: bool
    version: str | None  # None: nothing was trained (too little data)
    reason: str
    metrics: dict[str, Any] | None  # the version's metrics.json

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "promoted": self.promoted,
            "version": self.version,
            "reason": self.reason,
            "metrics": self.metrics,
        }


def train_models(
    engine: Engine,
    models_dir: Path,
    kinds: Iterable[str],
    now: datetime,
    history: Sequence[PastAttempt] | None = None,
) -> list[TrainingOutcome]:
    """Each kind trained, judged against its baseline and saved as a new version.

    `history` (a portfolio's attempts, approved charges included) replaces the recovery
    records as the failure model's source: the records hold failed charges and retries only.
    """
    kinds = list(kinds)
    for kind in kinds:
        if kind not in KINDS:
            raise UserFacingError(f"Unknown model kind {kind!r}: choose one of {', '.join(KINDS)}.")
    records = RecoveryRecords(engine)
    registry = ModelRegistry(models_dir)
    return [train_one(registry, kind, _dataset(kind, records, now, history), now) for kind in kinds]


CV_FOLDS = 5


def train_one(registry: ModelRegistry, kind: str, data: Dataset, now: datetime) -> TrainingOutcome:
    spec = KINDS[kind]
    try:
        # Five forward folds besides the held-out quarter: the saved metrics show the spread.
        judgement = train_and_judge(data, spec.make_estimator, spec.importance, folds=CV_FOLDS)
    except TooLittleData as error:
        reason = f"{TOO_LITTLE}: {error}"
        registry.note_training(kind, now, None, reason)
        return TrainingOutcome(kind, False, None, reason, None)
    saved = registry.save(kind, judgement, now)
    return TrainingOutcome(kind, judgement.promoted, saved.version, judgement.reason, saved.metrics)


def is_due(registry: ModelRegistry, kind: str, now: datetime) -> bool:
    last = registry.last_training(kind)
    return last is None or now - last > RETRAIN_EVERY


def retrain_if_due(models_dir: Path, engine: Engine, now: datetime) -> list[TrainingOutcome]:
    """The weekly retraining: the kinds whose last training is older than a week, trained now.
    Several workers sharing a models folder: the one holding the lock trains, the others skip."""
    registry = ModelRegistry(models_dir)
    due = [kind for kind in KINDS if is_due(registry, kind, now)]
    if not due:
        return []
    with _training_lock(Path(models_dir)) as held:
        due = [kind for kind in due if is_due(registry, kind, now)]  # another may just have
        if not held or not due:
            return []
        outcomes = train_models(engine, models_dir, due, now)
    for outcome in outcomes:
        log.info(
            "%s model %s: %s",
            outcome.kind,
            "promoted" if outcome.promoted else "not promoted",
            outcome.reason,
        )
    return outcomes


@contextmanager
def _training_lock(models_dir: Path) -> Iterator[bool]:
    """A lock file; one left by a crashed worker counts as gone after LOCK_STALE."""
    models_dir.mkdir(parents=True, exist_ok=True)
    path = models_dir / LOCK_FILE
    try:
        if time.time() - path.stat().st_mtime > LOCK_STALE.total_seconds():
            path.unlink(missing_ok=True)
    except FileNotFoundError:
        pass
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        yield False
        return
    try:
        yield True
    finally:
        path.unlink(missing_ok=True)


def _dataset(
    kind: str, records: RecoveryRecords, now: datetime, history: Sequence[PastAttempt] | None
) -> Dataset:
    if kind == "failure":
        return failure_dataset(charges_from_history(history) if history else records.charges())
    if kind == "recovery":
        return recovery_dataset(records.failed_payments(now))
    return churn_dataset(records.consumers(now))
