"""The four tests agree with SciPy to 1e-9 on generated data and answer null where undefined."""

import math

import numpy as np
import pytest
from scipy import stats as st
from scipy.special import betaln

from app.recovery.experiments import effects, stats

TOLERANCE = 1e-9


def arms(seed: int, rates: list[float], sizes: list[int]) -> tuple[list[int], list[int]]:
    rng = np.random.default_rng(seed)
    return [int(rng.binomial(n, p)) for p, n in zip(rates, sizes, strict=True)], sizes


@pytest.mark.parametrize("seed", range(5))
def test_chi_square_matches_scipy_on_k_by_2_tables(seed: int) -> None:
    recovered, trials = arms(seed, [0.3, 0.35, 0.4, 0.32], [400, 380, 410, 390])
    table = np.array([[r, n - r] for r, n in zip(recovered, trials, strict=True)])
    expected = st.chi2_contingency(table, correction=False)
    found = stats.chi_square(recovered, trials)
    assert found.statistic == pytest.approx(expected.statistic, abs=TOLERANCE)
    assert found.p_value == pytest.approx(expected.pvalue, abs=TOLERANCE)


def test_two_by_two_chi_square_has_no_yates_correction() -> None:
    found = stats.chi_square([30, 45], [100, 100])
    uncorrected = st.chi2_contingency([[30, 70], [45, 55]], correction=False)
    corrected = st.chi2_contingency([[30, 70], [45, 55]], correction=True)
    assert found.p_value == pytest.approx(uncorrected.pvalue, abs=TOLERANCE)
    assert found.p_value != pytest.approx(corrected.pvalue, abs=1e-4)


@pytest.mark.parametrize("seed", range(5))
def test_welch_and_mann_whitney_match_scipy_on_recovery_days(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    a = list(rng.gamma(2.0, 3.0, 150))
    b = list(rng.gamma(2.4, 2.8, 170))
    welch = st.ttest_ind(a, b, equal_var=False)
    u = st.mannwhitneyu(a, b, alternative="two-sided")
    assert stats.welch_t(a, b).statistic == pytest.approx(welch.statistic, abs=TOLERANCE)
    assert stats.welch_t(a, b).p_value == pytest.approx(welch.pvalue, abs=TOLERANCE)
    assert stats.mann_whitney(a, b).statistic == pytest.approx(u.statistic, abs=TOLERANCE)
    assert stats.mann_whitney(a, b).p_value == pytest.approx(u.pvalue, abs=TOLERANCE)
    low, high = stats.welch_interval(a, b, 0.95)
    interval = welch.confidence_interval(0.95)
    assert (low, high) == (pytest.approx(interval.low), pytest.approx(interval.high))


def exact_b_beats_a(a1: int, b1: int, a2: int, b2: int) -> float:
    """P(B > A) for Beta(a1, b1), Beta(a2, b2) with integer a2: Evan Miller's closed form."""
    return sum(
        math.exp(betaln(a1 + i, b1 + b2) - math.log(b2 + i) - betaln(1 + i, b2) - betaln(a1, b1))
        for i in range(a2)
    )


@pytest.mark.parametrize(
    ("xa", "na", "xb", "nb"),
    [(10, 100, 15, 100), (1000, 10000, 1030, 10000), (0, 40, 3, 40), (50, 50, 49, 50)],
)
def test_probability_best_of_two_arms_matches_the_closed_form(xa, na, xb, nb) -> None:
    best = stats.prob_best([xa, xb], [na, nb])
    exact = exact_b_beats_a(1 + xa, 1 + na - xa, 1 + xb, 1 + nb - xb)
    assert best[1] == pytest.approx(exact, abs=TOLERANCE)
    assert best[0] + best[1] == pytest.approx(1.0, abs=TOLERANCE)


def test_three_arms_probability_best_and_expected_loss_agree_with_simulation() -> None:
    recovered, trials = [30, 35, 40], [100, 100, 100]
    rng = np.random.default_rng(7)
    draws = np.stack(
        [rng.beta(1 + r, 1 + n - r, 400_000) for r, n in zip(recovered, trials, strict=True)]
    )
    best = stats.prob_best(recovered, trials)
    loss = stats.expected_loss(recovered, trials)
    simulated_best = np.bincount(draws.argmax(axis=0), minlength=3) / draws.shape[1]
    simulated_loss = (draws.max(axis=0) - draws).mean(axis=1)
    assert best == pytest.approx(list(simulated_best), abs=0.005)
    assert loss == pytest.approx(list(simulated_loss), abs=0.001)
    assert sum(best) == pytest.approx(1.0, abs=TOLERANCE)
    assert loss[2] < loss[1] < loss[0]


def test_holm_adjusts_a_hand_worked_example() -> None:
    # p sorted: 0.01 (x4), 0.02 (x3), 0.03 (x2 -> 0.06 kept >= 0.06), 0.04 (x1, raised to 0.06)
    adjusted = stats.holm([0.03, 0.01, 0.04, 0.02])
    assert adjusted == pytest.approx([0.06, 0.04, 0.06, 0.06])
    assert stats.holm([0.5, 0.6]) == pytest.approx([1.0, 1.0])  # capped at 1
    assert stats.holm([None, 0.02, 0.04]) == [None, pytest.approx(0.04), pytest.approx(0.04)]


def test_zero_recoveries_everywhere_leave_chi_square_null_but_not_bayes() -> None:
    assert stats.chi_square([0, 0], [50, 60]) == stats.NO_TEST
    best = stats.prob_best([0, 0], [50, 60])
    assert best[0] > best[1]  # fewer failures seen: more likely the better arm
    assert sum(best) == pytest.approx(1.0, abs=TOLERANCE)


def test_one_empty_arm_is_left_out_of_every_test() -> None:
    assert stats.chi_square([10, 0], [40, 0]) == stats.NO_TEST
    three = stats.chi_square([10, 0, 20], [40, 0, 40])
    expected = st.chi2_contingency([[10, 30], [20, 20]], correction=False)
    assert three.p_value == pytest.approx(expected.pvalue, abs=TOLERANCE)
    assert stats.prob_best([10, 0], [40, 0]) == [None, None]
    assert stats.prob_best([10, 0, 20], [40, 0, 40])[1] is None
    assert stats.welch_t([1.0, 2.0], []) == stats.NO_TEST
    assert stats.mann_whitney([], [1.0]) == stats.NO_TEST
    assert effects.rate_difference(3, 10, 0, 0, 0.95) is None


def test_identical_arms_give_no_difference_and_even_odds() -> None:
    days = [2.0, 3.0, 5.0, 8.0]
    assert stats.chi_square([20, 20], [50, 50]).p_value == pytest.approx(1.0)
    assert stats.welch_t(days, days).p_value == pytest.approx(1.0)
    assert stats.mann_whitney(days, days).p_value == pytest.approx(1.0)
    assert stats.prob_best([20, 20], [50, 50]) == pytest.approx([0.5, 0.5], abs=TOLERANCE)
    same = [4.0, 4.0, 4.0]
    assert stats.welch_t(same, same) == stats.NO_TEST  # no variance: t is undefined


def test_newcombe_interval_reproduces_newcombes_own_example() -> None:
    # Newcombe (1998), Stat Med 17:873, example (a): 56/70 - 48/80, method 10.
    found = effects.rate_difference(56, 70, 48, 80, 0.95)
    assert found is not None
    assert (found.estimate, round(found.low, 4), round(found.high, 4)) == (
        pytest.approx(0.2),
        0.0524,
        0.3339,
    )


def test_sample_size_reaches_the_power_asked_for_and_one_less_does_not() -> None:
    n = effects.sample_size(0.5, 0.6, alpha=0.05, power=0.8)
    assert n == 388  # the textbook figure for 50 % against 60 %
    assert effects.power_of(0.5, 0.6, n) >= 0.8 > effects.power_of(0.5, 0.6, n - 1)
