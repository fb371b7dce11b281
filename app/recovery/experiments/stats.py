"""The four tests of an experiment, on SciPy: chi-square, Welch's t, Mann-Whitney U, Bayesian.

Every function takes plain numbers and answers None (JSON null) where a test is undefined
(an empty arm, no variance, every outcome the same) instead of NaN or an exception: a report
with one empty arm must still show the rest.
"""

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import integrate
from scipy import stats as st

TAIL = 1e-14  # the Beta tails left out of the integrals: far below the 1e-9 asked for


@dataclass(frozen=True)
class TestResult:
    statistic: float | None
    p_value: float | None


NO_TEST = TestResult(None, None)


def finite(value: float | None) -> float | None:
    """A float, or None for NaN/infinity (never printed as NaN in JSON)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _result(statistic: float, p_value: float) -> TestResult:
    shown, p = finite(statistic), finite(p_value)
    if shown is None or p is None:
        return NO_TEST
    return TestResult(shown, p)


def chi_square(recovered: Sequence[int], trials: Sequence[int]) -> TestResult:
    """Pearson's chi-square on the k x 2 table recovered/not per arm, two-sided.

    No Yates continuity correction (correction=False), also for 2 x 2: it is conservative and
    the minimum sample keeps the counts large. Empty arms are left out; when every outcome is
    the same (all recovered, or none) the expected counts hold a zero and the test is undefined.
    """
    table = [(r, n - r) for r, n in zip(recovered, trials, strict=True) if n > 0]
    if len(table) < 2:
        return NO_TEST
    observed = np.array(table, dtype=float)
    if (observed.sum(axis=0) == 0).any():
        return NO_TEST
    found = st.chi2_contingency(observed, correction=False)
    return _result(found.statistic, found.pvalue)


def welch_t(a: Sequence[float], b: Sequence[float]) -> TestResult:
    """Welch's t-test (unequal variances), two-sided; needs two values in each sample."""
    if len(a) < 2 or len(b) < 2:
        return NO_TEST
    found = _welch(a, b)
    return _result(found.statistic, found.pvalue)


def _welch(a: Sequence[float], b: Sequence[float]) -> Any:  # SciPy's TtestResult
    with warnings.catch_warnings():
        # Identical values: SciPy warns, then answers NaN, which becomes None.
        warnings.simplefilter("ignore", RuntimeWarning)
        return st.ttest_ind(a, b, equal_var=False)


def welch_interval(
    a: Sequence[float], b: Sequence[float], confidence: float
) -> tuple[float | None, float | None]:
    """The confidence interval of mean(a) - mean(b) that goes with Welch's t-test."""
    if len(a) < 2 or len(b) < 2:
        return None, None
    found = _welch(a, b)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        interval = found.confidence_interval(confidence_level=confidence)
    low, high = finite(interval.low), finite(interval.high)
    return (low, high) if low is not None and high is not None else (None, None)


def mann_whitney(a: Sequence[float], b: Sequence[float]) -> TestResult:
    """Mann-Whitney U, two-sided (SciPy's default method); U is the statistic of `a`."""
    if not a or not b:
        return NO_TEST
    found = st.mannwhitneyu(a, b, alternative="two-sided")
    return _result(found.statistic, found.pvalue)


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjustment; None (a test that could not run) is not counted."""
    present = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    adjusted: list[float | None] = [None] * len(p_values)
    running, m = 0.0, len(present)
    for rank, (p, index) in enumerate(present):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[index] = running
    return adjusted


def _posteriors(recovered: Sequence[int], trials: Sequence[int]) -> list:
    """Beta(1 + recovered, 1 + not recovered): the uniform prior updated by each arm."""
    return [st.beta(1 + r, 1 + n - r) for r, n in zip(recovered, trials, strict=True)]


def _span(posteriors: list) -> tuple[float, float, list[float]]:
    low = min(float(d.ppf(TAIL)) for d in posteriors)
    high = max(float(d.isf(TAIL)) for d in posteriors)
    # Break points at each posterior's bulk, so quad never steps over a narrow peak.
    marks = {float(d.ppf(q)) for d in posteriors for q in (0.001, 0.1, 0.5, 0.9, 0.999)}
    return low, high, sorted(m for m in marks if low < m < high)


def _integral(
    function: Callable[[float], float], low: float, high: float, points: list[float]
) -> float:
    value, _ = integrate.quad(
        function, low, high, points=points or None, limit=1000, epsabs=1e-13, epsrel=1e-12
    )
    return float(value)


def prob_best(recovered: Sequence[int], trials: Sequence[int]) -> list[float | None]:
    """P(arm i has the highest recovery rate) under Beta(1,1) priors, by numeric integration of
    pdf_i(x) * prod_{j != i} cdf_j(x). Arms with no outcome yet are left out (None)."""
    used = [i for i, n in enumerate(trials) if n > 0]
    answer: list[float | None] = [None] * len(trials)
    if len(used) < 2:
        return answer
    posteriors = _posteriors([recovered[i] for i in used], [trials[i] for i in used])
    low, high, points = _span(posteriors)
    for k, index in enumerate(used):
        others = posteriors[:k] + posteriors[k + 1 :]

        def density(x: float, me: Any = posteriors[k], others: list = others) -> float:
            return float(me.pdf(x) * math.prod(float(d.cdf(x)) for d in others))

        answer[index] = _integral(density, low, high, points)
    return answer


def expected_loss(recovered: Sequence[int], trials: Sequence[int]) -> list[float | None]:
    """E[max_j p_j - p_i]: the recovery rate given up, on average, by choosing arm i.

    E[max] = integral of 1 - prod_j cdf_j(x) over [0, 1]; E[p_i] is the posterior mean.
    """
    used = [i for i, n in enumerate(trials) if n > 0]
    answer: list[float | None] = [None] * len(trials)
    if len(used) < 2:
        return answer
    posteriors = _posteriors([recovered[i] for i in used], [trials[i] for i in used])
    low, high, points = _span(posteriors)
    best = low + _integral(
        lambda x: 1.0 - math.prod(float(d.cdf(x)) for d in posteriors), low, high, points
    )
    for k, index in enumerate(used):
        answer[index] = max(0.0, best - float(posteriors[k].mean()))
    return answer
