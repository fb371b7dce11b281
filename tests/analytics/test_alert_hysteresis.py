"""Alert hysteresis and minimum sample, as pure logic: raise once, escalate, no flapping, clear."""

from app.recovery.analytics.alerts import (
    ANY,
    DEFAULT_RULES,
    AlertState,
    Level,
    Rule,
    Transition,
    merged_rules,
    read,
    rule_for,
    step,
)

FAILURE = Rule("failure_rate", warning=0.05, critical=0.10, min_sample=30, clear_after=3)
RECOVERY = Rule("recovery_rate", warning=0.70, critical=0.50, min_sample=30, clear_after=3)


def run(rule: Rule, readings: list[tuple[float, int]]) -> list[tuple[Level, Transition | None]]:
    """The level after each reading and what was announced."""
    state, seen = AlertState(), []
    for value, sample in readings:
        state, transition = step(state, read(rule, value, sample), rule.clear_after)
        seen.append((state.level, transition))
    return seen


def transitions(rule: Rule, readings: list[tuple[float, int]]) -> list[Transition]:
    return [t for _, t in run(rule, readings) if t is not None]


def test_three_payments_never_page_anyone():
    # 3 of 3 failed: 100 %, but a sample of 3 is no evidence.
    assert transitions(FAILURE, [(1.0, 3)] * 10) == []
    assert transitions(RECOVERY, [(0.0, 3)] * 10) == []


def test_raised_once_then_escalated_then_cleared():
    readings = [(0.06, 100)] * 4 + [(0.12, 100)] * 3 + [(0.02, 100)] * 3
    assert transitions(FAILURE, readings) == [
        Transition.RAISED,
        Transition.ESCALATED,
        Transition.CLEARED,
    ]
    levels = [level for level, _ in run(FAILURE, readings)]
    assert levels[:4] == [Level.WARNING] * 4 and levels[6] == Level.CRITICAL
    assert levels[-1] == Level.NONE


def test_straight_to_critical_is_one_raise():
    assert transitions(FAILURE, [(0.25, 100)] * 3) == [Transition.RAISED]
    assert run(FAILURE, [(0.25, 100)])[0][0] == Level.CRITICAL


def test_a_rate_wobbling_around_the_threshold_does_not_flap():
    # 4.9 %, 5.1 %, 4.8 %, 5.2 % ... never 1 point below the threshold: raised once, held.
    wobble = [(0.049, 200), (0.051, 200), (0.048, 200), (0.052, 200)] * 5
    assert transitions(FAILURE, [(0.051, 200), *wobble]) == [Transition.RAISED]


def test_clearing_needs_consecutive_good_readings():
    readings = [(0.06, 100), (0.02, 100), (0.02, 100), (0.06, 100), (0.02, 100), (0.02, 100)]
    assert transitions(FAILURE, readings) == [Transition.RAISED]
    assert transitions(FAILURE, [*readings, (0.02, 100)]) == [
        Transition.RAISED,
        Transition.CLEARED,
    ]


def test_critical_never_steps_back_to_warning():
    levels = [level for level, _ in run(FAILURE, [(0.2, 100), (0.07, 100), (0.07, 100)])]
    assert levels == [Level.CRITICAL] * 3


def test_a_quiet_spell_neither_clears_nor_raises():
    readings = [(0.12, 100), (0.0, 5), (0.0, 5), (0.0, 5), (0.0, 5)]
    assert run(FAILURE, readings)[-1] == (Level.CRITICAL, None)


def test_recovery_rate_alerts_when_low():
    assert transitions(RECOVERY, [(0.65, 50), (0.45, 50), (0.75, 50)]) == [
        Transition.RAISED,
        Transition.ESCALATED,
    ]
    # Clearing needs 71 %+ three times in a row (warning 70 % plus the 1-point margin).
    assert transitions(RECOVERY, [(0.65, 50), (0.705, 50), (0.705, 50), (0.705, 50)]) == [
        Transition.RAISED
    ]
    assert transitions(RECOVERY, [(0.65, 50), (0.8, 50), (0.8, 50), (0.8, 50)]) == [
        Transition.RAISED,
        Transition.CLEARED,
    ]


def test_defaults_are_the_guides_thresholds_and_a_method_may_have_its_own():
    failure = rule_for("failure_rate", "enach", DEFAULT_RULES)
    recovery = rule_for("recovery_rate", "enach", DEFAULT_RULES)
    assert failure is not None and (failure.warning, failure.critical) == (0.05, 0.10)
    assert recovery is not None and (recovery.warning, recovery.critical) == (0.70, 0.50)
    own = Rule("failure_rate", scope="upi_autopay", warning=0.08, critical=0.15)
    rules = merged_rules([own, Rule("recovery_rate", scope=ANY, enabled=False)])
    assert rule_for("failure_rate", "upi_autopay", rules) == own
    assert rule_for("failure_rate", "enach", rules).warning == 0.05  # type: ignore[union-attr]
    assert rule_for("recovery_rate", "enach", rules) is None  # switched off
