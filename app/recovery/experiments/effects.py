"""Effect sizes with confidence intervals, and the power / sample-size calculator for two rates."""

import math
from dataclasses import dataclass

from scipy import stats as st

from app.domain.errors import UserFacingError


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float
    method: str


def _z(confidence: float) -> float:
    return float(st.norm.ppf(1 - (1 - confidence) / 2))


def wilson(successes: int, trials: int, confidence: float) -> tuple[float, float]:
    """Wilson's score interval of one proportion (good near 0 and 1, unlike Wald's)."""
    z, p = _z(confidence), successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z / (1 + z * z / trials) * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials**2))
    return max(0.0, centre - half), min(1.0, centre + half)


def rate_difference(x1: int, n1: int, x2: int, n2: int, confidence: float) -> Interval | None:
    """p1 - p2 with Newcombe's hybrid score interval (1998, method 10); None if an arm is empty.

    Chosen over Wald's interval because it stays inside [-1, 1] and keeps its coverage when a
    rate is 0 or 1 - recovery rates of a new arm often are.
    """
    if n1 == 0 or n2 == 0:
        return None
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1, confidence)
    l2, u2 = wilson(x2, n2, confidence)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Interval(d, low, high, "newcombe")


def wald_difference(x1: int, n1: int, x2: int, n2: int, confidence: float) -> Interval | None:
    """p1 - p2 with the textbook Wald interval, for comparison with other tools."""
    if n1 == 0 or n2 == 0:
        return None
    p1, p2 = x1 / n1, x2 / n2
    half = _z(confidence) * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    return Interval(p1 - p2, p1 - p2 - half, p1 - p2 + half, "wald")


def cohens_h(p1: float, p2: float) -> float:
    """Cohen's h: the difference of arcsine-transformed rates (0.2 small, 0.5 medium, 0.8 large)."""
    return 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2))


def _check(baseline: float, expected: float, alpha: float) -> None:
    if not (0 < baseline < 1 and 0 < expected < 1):
        raise UserFacingError("Give the rates as fractions between 0 and 1, e.g. 0.40.")
    if baseline == expected:
        raise UserFacingError("The expected rate must differ from the baseline rate.")
    if not 0 < alpha < 0.5:
        raise UserFacingError("The significance level must be between 0 and 0.5, e.g. 0.05.")


def sample_size(baseline: float, expected: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Consumers per arm for a two-sided test of two rates (normal approximation, no continuity
    correction - the same test the chi-square of the results runs)."""
    _check(baseline, expected, alpha)
    if not 0.5 <= power < 1:
        raise UserFacingError("The power must be between 0.5 and 1, e.g. 0.8.")
    z_a, z_b = _z(1 - alpha), float(st.norm.ppf(power))
    mean = (baseline + expected) / 2
    spread = math.sqrt(baseline * (1 - baseline) + expected * (1 - expected))
    n = (z_a * math.sqrt(2 * mean * (1 - mean)) + z_b * spread) ** 2 / (baseline - expected) ** 2
    return math.ceil(n - 1e-9)  # 387.0000000001 from rounding is 387


def power_of(baseline: float, expected: float, per_arm: int, alpha: float = 0.05) -> float:
    """The chance a test with `per_arm` consumers per arm finds the difference (two-sided)."""
    _check(baseline, expected, alpha)
    z_a = _z(1 - alpha)
    mean = (baseline + expected) / 2
    spread = math.sqrt(baseline * (1 - baseline) + expected * (1 - expected))
    gap = abs(baseline - expected) * math.sqrt(per_arm)
    return float(st.norm.cdf((gap - z_a * math.sqrt(2 * mean * (1 - mean))) / spread))
