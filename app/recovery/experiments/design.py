"""An experiment's design as a billing manager gives it, checked before anything is written."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.errors import UserFacingError

STRATEGIES = (
    "retry_timing",
    "retry_amounts",
    "notification_timing",
    "grace_period",
    "dunning_sequence",
    "retention_offers",
    "message_template",
)
METRICS = ("recovery_rate", "recovery_time", "recovered_amount", "satisfaction", "churn_rate")
DEFAULT_MIN_SAMPLE = 100  # per arm, as the analytics guide's A/B configuration
DEFAULT_CONFIDENCE = 0.95
ALLOCATION_SLACK = 1e-6  # "0.33,0.33,0.34" and "1/3" typed as decimals both sum to 1


@dataclass(frozen=True)
class Arm:
    name: str
    allocation: float
    control: bool


@dataclass(frozen=True)
class Design:
    name: str
    strategy: str
    arms: tuple[Arm, ...]
    min_sample: int
    confidence: float
    primary_metric: str
    secondary_metrics: tuple[str, ...]
    duration_days: int | None


def parse_allocation(text: str | None, count: int) -> list[float]:
    """'0.5,0.5' (or '50,50' as percentages); None: an equal split."""
    if text is None or not text.strip():
        return [1.0 / count] * count if count else []
    try:
        shares = [float(part) for part in text.split(",")]
    except ValueError:
        raise UserFacingError(
            f"Write the allocation as shares separated by commas, e.g. 0.5,0.5 (not {text!r})."
        ) from None
    if shares and all(math.isfinite(s) for s in shares) and abs(sum(shares) - 100) < 1e-6:
        shares = [s / 100 for s in shares]
    return shares


def make_design(
    *,
    name: str,
    strategy: str,
    variants: Sequence[str],
    allocation: Sequence[float],
    control: str | None = None,
    min_sample: int = DEFAULT_MIN_SAMPLE,
    confidence: float = DEFAULT_CONFIDENCE,
    primary_metric: str = "recovery_rate",
    secondary_metrics: Sequence[str] = ("recovery_time", "satisfaction", "churn_rate"),
    duration_days: int | None = None,
) -> Design:
    """A valid design, or UserFacingError saying what to change."""
    name = name.strip()
    strategy = strategy.strip().lower().replace("-", "_")
    if not name or len(name) > 128:
        raise UserFacingError("Give the experiment a name of at most 128 characters.")
    if strategy not in STRATEGIES:
        raise UserFacingError(
            f"Unknown strategy {strategy!r}: choose one of {', '.join(STRATEGIES)}."
        )
    names = [v.strip() for v in variants]
    if len(names) < 2:
        raise UserFacingError("An experiment needs at least two variants (a control and one more).")
    if any(not n or len(n) > 64 for n in names):
        raise UserFacingError("A variant needs a name of at most 64 characters.")
    if len(set(names)) != len(names):
        raise UserFacingError("Each variant needs a different name.")
    if len(allocation) != len(names):
        raise UserFacingError(
            f"Give one allocation share per variant: {len(names)} variants, "
            f"{len(allocation)} shares."
        )
    if any(not math.isfinite(s) or s <= 0 for s in allocation):
        raise UserFacingError("Each variant's allocation share must be above 0.")
    if abs(sum(allocation) - 1.0) > ALLOCATION_SLACK:
        raise UserFacingError(
            f"The allocation shares must add up to 1 (they add up to {sum(allocation):g})."
        )
    control = names[0] if control is None else control.strip()
    if control not in names:
        raise UserFacingError(f"The control {control!r} is not one of the variants.")
    if min_sample <= 0:
        raise UserFacingError("The minimum sample per variant must be at least 1.")
    if not 0.5 < confidence < 1:
        raise UserFacingError("The confidence level must be between 0.5 and 1, e.g. 0.95.")
    for metric in (primary_metric, *secondary_metrics):
        if metric not in METRICS:
            raise UserFacingError(f"Unknown metric {metric!r}: choose from {', '.join(METRICS)}.")
    if duration_days is not None and duration_days <= 0:
        raise UserFacingError("The duration must be at least one day.")
    total = sum(allocation)
    arms = tuple(Arm(n, s / total, n == control) for n, s in zip(names, allocation, strict=True))
    return Design(
        name=name,
        strategy=strategy,
        arms=arms,
        min_sample=min_sample,
        confidence=confidence,
        primary_metric=primary_metric,
        secondary_metrics=tuple(secondary_metrics),
        duration_days=duration_days,
    )
