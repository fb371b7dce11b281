"""Collection probability and its band, by the seed's balance rules or calibrated on outcomes."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np

from app.recovery.smart_collect.income import IncomePattern, PayKind

MIN_OUTCOMES = 40  # forecasts with a known outcome before the bands are calibrated
OPTIMAL_RATIO = 1.5  # predicted balance over the amount for the optimal band


class Band(StrEnum):
    OPTIMAL = "OPTIMAL_WINDOW"
    SCHEDULED = "SCHEDULED"
    RISKY = "RISKY"
    CRITICAL = "CRITICAL"


# The seed's probability range of each band, in percent.
RANGES = {
    Band.OPTIMAL: (85.0, 98.0),
    Band.SCHEDULED: (60.0, 84.0),
    Band.RISKY: (40.0, 59.0),
    Band.CRITICAL: (10.0, 39.0),
}


def balance_band(current_minor: int, predicted_minor: int, amount_minor: int) -> Band:
    """The seed's rules: predicted >= 1.5x the amount optimal, >= 1x scheduled, otherwise
    risky while today's balance still covers it and critical when it does not."""
    if predicted_minor * 2 >= amount_minor * 3:
        return Band.OPTIMAL
    if predicted_minor >= amount_minor:
        return Band.SCHEDULED
    if current_minor >= amount_minor:
        return Band.RISKY
    return Band.CRITICAL


def band_of_probability(percent: float) -> Band:
    for band in (Band.OPTIMAL, Band.SCHEDULED, Band.RISKY):
        if percent >= RANGES[band][0]:
            return band
    return Band.CRITICAL


def within_band(band: Band, strength: float) -> float:
    """A probability inside the band's range; strength 0..1 from history and consistency."""
    low, high = RANGES[band]
    return round(low + (high - low) * min(1.0, max(0.0, strength)), 1)


def history_rate(approved: int, attempts: int) -> float:
    """Approval rate with one success and one failure assumed (no history: 0.5)."""
    return (approved + 1) / (attempts + 2)


def predicted_balance(pattern: IncomePattern, day: date, floor_minor: int = 0) -> int | None:
    """The income spent down evenly over its cycle, over what stays in the account anyway."""
    if pattern.kind is PayKind.UNKNOWN or not pattern.typical_amount_minor:
        return None
    payday = pattern.credit_on_or_before(day)
    if payday is None:
        return None
    spent = min(1.0, (day - payday).days / max(pattern.cycle_days, 1.0))
    return floor_minor + int(pattern.typical_amount_minor * (1.0 - spent))


@dataclass(frozen=True)
class Calibration:
    """Observed approval share by forecast probability (monotone), from past forecasts."""

    raw: tuple[float, ...]
    observed: tuple[float, ...]
    outcomes: int

    def apply(self, percent: float) -> float:
        return round(float(np.interp(percent, self.raw, self.observed)), 1)


def calibrate(
    forecasts: Sequence[tuple[float, bool]], minimum: int = MIN_OUTCOMES
) -> Calibration | None:
    """Isotonic regression of outcomes on forecast probabilities; None with too few outcomes
    or only one kind of outcome (the seed's fixed thresholds stay)."""
    if len(forecasts) < minimum or len({ok for _, ok in forecasts}) < 2:
        return None
    from sklearn.isotonic import IsotonicRegression  # scikit-learn loads only when calibrating

    x = np.array([p for p, _ in forecasts], dtype=float)
    y = np.array([1.0 if ok else 0.0 for _, ok in forecasts])
    fitted = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(x, y)
    grid = np.linspace(0.0, 100.0, 101)
    return Calibration(
        tuple(float(v) for v in grid),
        tuple(float(v) * 100.0 for v in fitted.predict(grid)),
        len(forecasts),
    )


@dataclass(frozen=True)
class Forecast:
    probability: float
    band: Band
    basis: str  # how it was reached, for the screen and the audit
    raw: float  # before any calibration (what calibrating later is fitted on)


def forecast(
    *,
    amount_minor: int,
    current_minor: int | None,
    predicted_minor: int | None,
    rate: float,
    consistency: float,
    calibration: Calibration | None = None,
) -> Forecast:
    """The collection's probability and band: the balance rules when balances are known, the
    consumer's approval history otherwise; a calibration, when there is one, has the last word."""
    if current_minor is not None and predicted_minor is not None:
        band = balance_band(current_minor, predicted_minor, amount_minor)
        raw = within_band(band, 0.5 * rate + 0.5 * consistency / 100.0)
        basis = "balance rules"
    else:
        raw = round(10.0 + 88.0 * rate, 1)
        band = band_of_probability(raw)
        basis = "approval history"
    if calibration is None:
        return Forecast(raw, band, basis, raw)
    calibrated = calibration.apply(raw)
    return Forecast(
        calibrated,
        band_of_probability(calibrated),
        f"{basis}, calibrated on {calibration.outcomes} outcomes",
        raw,
    )
