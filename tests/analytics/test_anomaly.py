"""A gateway's failure rate jumping against its own trailing 28 days."""

from scipy.stats import binomtest, poisson

from app.recovery.analytics.alerts import Level
from app.recovery.analytics.anomaly import AnomalyRule, Day, failure_jump

STEADY = [Day(2, 100)] * 28  # 2 % for four weeks


def test_a_jump_from_2_to_15_percent_is_critical_and_the_p_value_is_scipys():
    jump = failure_jump(Day(15, 100), STEADY)
    assert jump.baseline == 0.02 and jump.today == 0.15
    assert jump.p_value == binomtest(15, 100, 0.02, alternative="greater").pvalue
    assert jump.reading.level is Level.CRITICAL


def test_an_ordinary_day_is_not_an_anomaly_and_clears_one():
    for failures in (0, 1, 2, 3, 4):
        reading = failure_jump(Day(failures, 100), STEADY).reading
        assert reading.level is Level.NONE and reading.enough
    assert failure_jump(Day(3, 100), STEADY).reading.well_clear


def test_a_significant_but_tiny_rise_on_big_volume_is_not_paged():
    history = [Day(2000, 100_000)] * 28  # 2.0 %
    jump = failure_jump(Day(2300, 100_000), history)  # 2.3 %: p tiny, lift 0.3 points
    assert jump.p_value < 1e-6 and jump.reading.level is Level.NONE


def test_too_little_history_or_volume_says_nothing():
    assert not failure_jump(Day(15, 100), STEADY[:5]).reading.enough
    assert not failure_jump(Day(3, 3), STEADY).reading.enough  # 3 payments: no page


def test_without_volume_the_daily_count_is_tested_as_poisson():
    history = [Day(3, None)] * 28
    jump = failure_jump(Day(20, None), history)
    assert jump.baseline == 3.0
    assert jump.p_value == poisson.sf(19, 3.0)
    assert jump.reading.level is Level.CRITICAL
    assert failure_jump(Day(5, None), history).reading.level is Level.NONE


def test_the_rule_is_configurable():
    lenient = AnomalyRule(alpha=1e-12, alpha_critical=1e-15)
    assert failure_jump(Day(8, 100), STEADY, lenient).reading.level is Level.NONE
    assert failure_jump(Day(8, 100), STEADY).reading.level is Level.WARNING
