"""The versioned model registry on disk: one folder per training, a `current` pointer per kind.

MODELS/<kind>/<version>/model.joblib   the fitted estimator (refused ones are kept too)
MODELS/<kind>/<version>/metrics.json   held-out metrics, baseline, features, data window
MODELS/<kind>/current                  the promoted version's name; moves on promotion only
MODELS/<kind>/last_training.json       when training last ran (also when data was short)
"""

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import joblib
import sklearn
from platformdirs import user_data_dir

from app.domain.errors import UserFacingError
from app.recovery.prediction.kinds import KINDS
from app.recovery.prediction.training import Judgement

MODEL_FILE = "model.joblib"
METRICS_FILE = "metrics.json"
CURRENT = "current"
LAST_TRAINING = "last_training.json"


@dataclass(frozen=True)
class ModelVersion:
    kind: str
    version: str
    path: Path
    metrics: dict[str, Any]  # the whole metrics.json
    current: bool

    @property
    def promoted(self) -> bool:
        return bool(self.metrics.get("promoted"))


@dataclass(frozen=True)
class LoadedModel:
    kind: str
    version: str
    estimator: Any
    features: list[str]

    def recovery_score(self, case: dict[str, Any], vip: bool = False) -> float:
        """For the engine: how likely this case (a recovery_cases row) is to be recovered."""
        from app.recovery.prediction.recovery_odds import recovery_likelihood
        from app.services.recovery_model_data import failed_payment

        if self.kind != "recovery":
            raise ValueError(f"a {self.kind} model gives no recovery score")
        return recovery_likelihood(self.estimator, failed_payment(case, vip))


def default_models_dir(db_url: str) -> Path:
    """`models` beside a SQLite recovery database; the user's data folder for a server URL."""
    if db_url.startswith("sqlite:///"):
        return Path(db_url.removeprefix("sqlite:///")).resolve().parent / "models"
    return Path(user_data_dir("tilldesk", appauthor=False)) / "recovery-models"


def code_version() -> str:
    try:
        ours = version("tilldesk")
    except PackageNotFoundError:
        ours = "unknown"
    return f"tilldesk {ours}, scikit-learn {sklearn.__version__}"


class ModelRegistry:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def save(self, kind: str, judgement: Judgement, trained_at: datetime) -> ModelVersion:
        """A new version folder; the pointer moves only if the judgement promoted the model."""
        folder = self._new_folder(kind, trained_at)
        metrics = {
            "kind": kind,
            "version": folder.name,
            "algorithm": KINDS[kind].algorithm,
            "features": list(KINDS[kind].features),
            "data_window": judgement.window,
            "trained_at": _iso(trained_at),
            "code_version": code_version(),
            **judgement.metrics_json(),
        }
        joblib.dump(judgement.estimator, folder / MODEL_FILE)
        _write_json(folder / METRICS_FILE, metrics)
        if judgement.promoted:
            _write_text(self.root / kind / CURRENT, folder.name + "\n")
        self.note_training(kind, trained_at, folder.name, metrics["reason"])
        return ModelVersion(kind, folder.name, folder, metrics, judgement.promoted)

    def note_training(self, kind: str, at: datetime, version: str | None, outcome: str) -> None:
        """Remember that training ran, even when it wrote no model (too little data)."""
        (self.root / kind).mkdir(parents=True, exist_ok=True)
        _write_json(
            self.root / kind / LAST_TRAINING,
            {"at": _iso(at), "version": version, "outcome": outcome},
        )

    def last_training(self, kind: str) -> datetime | None:
        path = self.root / kind / LAST_TRAINING
        try:
            return datetime.fromisoformat(json.loads(path.read_text())["at"])
        except (OSError, ValueError, KeyError):
            versions = self.versions(kind)
            return datetime.fromisoformat(versions[-1].metrics["trained_at"]) if versions else None

    def current_version(self, kind: str) -> str | None:
        try:
            name = (self.root / kind / CURRENT).read_text().strip()
        except OSError:
            return None
        return name or None

    def versions(self, kind: str) -> list[ModelVersion]:
        """Oldest first."""
        folder = self.root / kind
        if not folder.is_dir():
            return []
        current = self.current_version(kind)
        found = []
        for path in sorted(p for p in folder.iterdir() if (p / METRICS_FILE).is_file()):
            metrics = json.loads((path / METRICS_FILE).read_text())
            found.append(ModelVersion(kind, path.name, path, metrics, path.name == current))
        return found

    def show(self, kind: str, version: str | None = None) -> ModelVersion:
        _check_kind(kind)
        wanted = version or self.current_version(kind)
        versions = self.versions(kind)
        if wanted is None:
            if not versions:
                raise UserFacingError(f"No {kind} model has been trained in {self.root}.")
            return versions[-1]  # nothing promoted yet: the latest attempt says why
        for found in versions:
            if found.version == wanted:
                return found
        raise UserFacingError(f"There is no {kind} model version {wanted} in {self.root}.")

    def load_current(self, kind: str) -> LoadedModel | None:
        """The promoted model, or None when none has been promoted (callers keep their rules)."""
        _check_kind(kind)
        name = self.current_version(kind)
        if name is None:
            return None
        folder = self.root / kind / name
        metrics = json.loads((folder / METRICS_FILE).read_text())
        if metrics["features"] != list(KINDS[kind].features):
            return None  # trained on other features: unusable until retrained
        return LoadedModel(kind, name, joblib.load(folder / MODEL_FILE), metrics["features"])

    def _new_folder(self, kind: str, at: datetime) -> Path:
        base = f"{at.astimezone(UTC):%Y%m%dT%H%M%S}Z"
        parent = self.root / kind
        parent.mkdir(parents=True, exist_ok=True)
        for n in range(1, 1000):
            folder = parent / (base if n == 1 else f"{base}-{n}")
            try:
                folder.mkdir()
                return folder
            except FileExistsError:
                continue
        raise RuntimeError(f"no free version name under {parent}")


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise UserFacingError(f"Unknown model kind {kind!r}: choose one of {', '.join(KINDS)}.")


def _write_json(path: Path, data: dict[str, Any]) -> None:
    _write_text(path, json.dumps(data, indent=2) + "\n")


def _write_text(path: Path, text: str) -> None:
    """Write beside, then rename: a reader never sees half a pointer or half the metrics."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()
