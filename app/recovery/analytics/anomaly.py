"""A gateway's failure rate jumping against its own history: a one-sided binomial test.

Today (the last 24 hours) against the pooled rate of the trailing days (28 by default). With
charge volume known the test is binomial (failures of charges); without it, the daily count of
failures is tested as Poisson against the trailing daily mean, which still catches a burst.
A jump must be both significant and large (`min_lift`): on big volumes a trivial rise is
significant, and nobody should be paged for 0.2 points.
"""

from dataclasses import dataclass

from app.recovery.analytics.alerts import Level, Reading


@dataclass(frozen=True)
class Day:
    failures: int
    charges: int | None  # None: the volume is not known


@dataclass(frozen=True)
class AnomalyRule:
    history_days: int = 28
    min_history_days: int = 7  # days with data needed before history means anything
    min_sample: int = 30  # charges today (binomial) ...
    min_failures: int = 10  # ... or failures today (Poisson)
    alpha: float = 1e-3  # warning
    alpha_critical: float = 1e-6
    min_lift: float = 0.02  # rate points above the baseline (binomial)
    min_ratio: float = 2.0  # times the baseline count (Poisson)
    clear_p: float = 0.05  # cleared when today is no longer unusual at this level
    clear_after: int = 3


@dataclass(frozen=True)
class Jump:
    p_value: float
    today: float  # today's rate (binomial) or count (Poisson)
    baseline: float
    reading: Reading
    counted: bool = False  # True: Poisson on counts (no volume), values are failures a day


def failure_jump(today: Day, history: list[Day], rule: AnomalyRule = AnomalyRule()) -> Jump:
    """How unusual today's failures are against the trailing days."""
    past = [d for d in history if d.failures or d.charges]
    known = today.charges is not None and all(d.charges is not None for d in past)
    if len(past) < rule.min_history_days:
        return Jump(1.0, float(today.failures), 0.0, Reading(Level.NONE, False, False))
    if known and today.charges:
        return _binomial(today, past, rule)
    return _poisson(today, history, rule)


def _binomial(today: Day, past: list[Day], rule: AnomalyRule) -> Jump:
    charges = today.charges or 0
    total = sum(d.charges or 0 for d in past)
    baseline = sum(d.failures for d in past) / total if total else 0.0
    rate = today.failures / charges
    if charges < rule.min_sample:
        return Jump(1.0, rate, baseline, Reading(Level.NONE, False, False, rate, charges))
    # A zero baseline would make any failure infinitely unlikely: floor it at one in `total`.
    p0 = min(max(baseline, 1 / max(total, 1)), 1.0)
    from scipy.stats import binomtest  # SciPy loads when an evaluation runs, not with the CLI

    p_value = binomtest(today.failures, charges, p0, alternative="greater").pvalue
    large = rate - baseline >= rule.min_lift
    return Jump(p_value, rate, baseline, _reading(p_value, large, rate, charges, rule))


def _poisson(today: Day, history: list[Day], rule: AnomalyRule) -> Jump:
    # Every trailing day counts, quiet ones too: without volume a zero is a real zero.
    baseline = sum(d.failures for d in history) / len(history)
    count = today.failures
    if count < rule.min_failures:
        return Jump(1.0, count, baseline, Reading(Level.NONE, False, False, count, count), True)
    from scipy.stats import poisson

    p_value = float(poisson.sf(count - 1, max(baseline, 0.5)))
    large = count >= rule.min_ratio * baseline
    reading = _reading(p_value, large, count, count, rule)
    return Jump(p_value, float(count), baseline, reading, counted=True)


def _reading(p_value: float, large: bool, value: float, sample: int, rule: AnomalyRule) -> Reading:
    level = Level.NONE
    if large and p_value < rule.alpha_critical:
        level = Level.CRITICAL
    elif large and p_value < rule.alpha:
        level = Level.WARNING
    return Reading(level, p_value >= rule.clear_p, True, value, sample)
