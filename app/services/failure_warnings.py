"""Warnings before a due charge fails: the promoted failure model scores each charge still to be
made against its consumer's past charges, so a recovery executive can call, remind early or
offer another date first."""

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.domain.errors import UserFacingError
from app.recovery.prediction.failure import METHODS, due_charge_features
from app.recovery.prediction.records import Charge
from app.services.recovery_models import ModelRegistry

DUE_COLUMNS = ("consumer_id", "amount_minor", "currency", "method", "due_at")


@dataclass(frozen=True)
class DueCharge:
    consumer_id: str
    amount_minor: int
    currency: str
    method: str
    due_at: datetime


@dataclass(frozen=True)
class FailureWarning:
    charge: DueCharge
    risk: float  # the model's probability that this charge fails


def read_due_charges(path: Path) -> list[DueCharge]:
    """A CSV of charges still to be made; a bad row is refused with its line, nothing read."""
    if not path.exists():
        raise UserFacingError(f"There is no file {path}.")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in DUE_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise UserFacingError(f"{path}: the columns {', '.join(missing)} are missing.")
        found = []
        for line, row in enumerate(reader, start=2):
            try:
                found.append(_due(row))
            except (ValueError, KeyError) as error:
                raise UserFacingError(f"{path}:{line}: {error}") from None
    return found


def _due(row: dict[str, str]) -> DueCharge:
    amount = int(row["amount_minor"])
    if amount <= 0:
        raise ValueError("amount_minor must be a positive whole number of minor units")
    method = row["method"].strip()
    if method not in METHODS:
        raise ValueError(f"method {method!r} is not one of {', '.join(METHODS)}")
    due_at = datetime.fromisoformat(row["due_at"].strip().replace("Z", "+00:00"))
    if due_at.tzinfo is None:
        raise ValueError("due_at needs a time zone (e.g. 2027-01-05T09:00:00Z)")
    return DueCharge(
        row["consumer_id"].strip(), amount, row["currency"].strip().upper(), method, due_at
    )


def warn(
    models_dir: Path, due: list[DueCharge], past: list[Charge], threshold: float
) -> list[FailureWarning]:
    """The due charges at or above `threshold`, riskiest first."""
    model = ModelRegistry(models_dir).load_current("failure")
    if model is None:
        raise UserFacingError(
            f"No failure model is promoted in {models_dir}: run 'tilldesk recovery models train "
            "--kind failure' first (a model is promoted only when it beats the baseline)."
        )
    by_consumer: dict[str, list[Charge]] = defaultdict(list)
    for earlier_charge in past:
        by_consumer[earlier_charge.consumer_id].append(earlier_charge)
    warnings = []
    for charge in due:
        earlier = [c for c in by_consumer[charge.consumer_id] if c.at < charge.due_at]
        row = due_charge_features(
            earlier,
            Charge(charge.consumer_id, charge.due_at, charge.amount_minor, charge.method, 1, False),
        )
        risk = float(model.estimator.predict_proba(row)[0][1])
        if risk >= threshold:
            warnings.append(FailureWarning(charge, risk))
    return sorted(warnings, key=lambda w: -w.risk)
