"""The fixed-horizon rule: no winner before the horizon, Holm-significant winners after it."""

from datetime import UTC, datetime, timedelta

from app.recovery.experiments.recommendation import ArmOutcome, Horizon, recommend

START = datetime(2027, 1, 4, tzinfo=UTC)


def arms(p_holm: float, difference: float, n: int = 500) -> list[ArmOutcome]:
    low, high = difference - 0.04, difference + 0.04
    return [
        ArmOutcome("control", True, n, 200, prob_best=0.01),
        ArmOutcome("faster", False, n, 250, 0.99, difference, low, high, p_holm),
    ]


def test_a_significant_leader_is_not_recommended_before_the_minimum_sample() -> None:
    advice = recommend(arms(0.001, 0.1, n=50), Horizon(100, 0.95, START), START)
    assert (advice.decision, advice.variant, advice.leader) == ("keep_running", None, "faster")
    assert "100 outcomes" in advice.warnings[0]


def test_nor_before_the_duration_has_passed() -> None:
    horizon = Horizon(100, 0.95, START, duration_days=30)
    assert recommend(arms(0.001, 0.1), horizon, START + timedelta(days=10)).variant is None
    late = recommend(arms(0.001, 0.1), horizon, START + timedelta(days=30))
    assert (late.decision, late.variant) == ("adopt", "faster")
    assert "Holm" in late.reasons[1]


def test_not_significant_after_holm_keeps_the_control() -> None:
    advice = recommend(arms(0.08, 0.1), Horizon(100, 0.95, START), START)
    assert (advice.decision, advice.variant) == ("keep_control", "control")
    # The same p-value passes at 90 % confidence.
    assert recommend(arms(0.08, 0.1), Horizon(100, 0.90, START), START).variant == "faster"


def test_a_significantly_worse_variant_is_not_adopted() -> None:
    assert recommend(arms(0.001, -0.1), Horizon(100, 0.95, START), START).variant == "control"
