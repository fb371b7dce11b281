"""Alerts evaluated on a real recovery database: hysteresis, minimum sample, anomalies,
outgoing webhook events, the supervisors' notifiers, acknowledgement and history."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.db.recovery_tables_webhooks import webhook_events
from app.domain.errors import UserFacingError
from app.recovery.analytics.alerts import Rule, Transition
from app.recovery.analytics.anomaly import AnomalyRule
from app.services.recovery_alerts import (
    acknowledge,
    alert_history,
    evaluate,
    open_alert_count,
    open_alerts,
    save_rule,
)
from tests.analytics.recovery_rows import daily_failures, recovery_engine

NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
YESTERDAY = date(2027, 3, 9)
NO_ANOMALIES = AnomalyRule(min_history_days=10_000)


@pytest.fixture
def engine(tmp_path):
    return recovery_engine(tmp_path)


def check(engine, now=NOW, **kwargs):
    return [
        (c.transition, c.alert.metric, c.alert.scope, c.alert.level)
        for c in evaluate(engine, now, anomaly=kwargs.pop("anomaly", NO_ANOMALIES), **kwargs)
    ]


def webhooks(engine) -> list[tuple[str, str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(select(webhook_events).order_by(webhook_events.c.created_at))
        return [(r.kind, r.payload["transition"], r.payload["level"]) for r in rows]


def test_three_failed_payments_of_three_raise_nothing(engine):
    daily_failures(engine, YESTERDAY, days=1, charges=3, failures=3)
    assert check(engine) == []
    assert open_alerts(engine) == [] and webhooks(engine) == []


def test_raised_once_escalated_held_near_the_threshold_then_cleared(engine):
    told = []
    daily_failures(engine, YESTERDAY, days=7, charges=100, failures=6)  # 6 %
    assert check(engine, notifiers=[told.append]) == [
        (Transition.RAISED, "failure_rate", "credit_card", "warning")
    ]
    assert check(engine) == []  # still 6 %: nothing new to say
    [alert] = open_alerts(engine)
    assert (alert.value, alert.threshold, alert.sample) == (0.06, 0.05, 700)
    assert alert.text == "Failure rate of credit_card 6.0 % (warning at 5.0 %, sample 700)"
    assert told[0].alert.id == alert.id

    daily_failures(engine, YESTERDAY, days=7, charges=100, failures=12)  # 12 %
    assert check(engine) == [(Transition.ESCALATED, "failure_rate", "credit_card", "critical")]

    daily_failures(engine, YESTERDAY, days=7, charges=100, failures=5)  # 5 %, then 4.x %
    for _ in range(5):
        assert check(engine) == []
    assert open_alert_count(engine) == 1

    daily_failures(engine, YESTERDAY, days=7, charges=100, failures=3)  # 3 %: well clear
    assert check(engine) == [] and check(engine) == []
    assert check(engine) == [(Transition.CLEARED, "failure_rate", "credit_card", "critical")]
    assert open_alerts(engine) == []
    assert webhooks(engine) == [
        ("alert.raised", "raised", "warning"),
        ("alert.raised", "escalated", "critical"),
        ("alert.cleared", "cleared", "critical"),
    ]
    history = [(e.kind, e.level) for e in reversed(alert_history(engine))]
    assert history == [("raised", "warning"), ("escalated", "critical"), ("cleared", "critical")]


def test_a_new_failure_after_clearing_is_a_new_alert(engine):
    daily_failures(engine, YESTERDAY, days=7, charges=100, failures=12)
    check(engine)
    daily_failures(engine, YESTERDAY, days=7, charges=100, failures=1)
    for _ in range(3):
        check(engine)
    daily_failures(engine, YESTERDAY, days=7, charges=100, failures=12)
    assert check(engine) == [(Transition.RAISED, "failure_rate", "credit_card", "critical")]
    assert len({e.alert_id for e in alert_history(engine)}) == 2


def test_recovery_rate_is_judged_on_failures_old_enough_to_recover(engine):
    # Failures of last week are still being chased: never a recovery-rate alert.
    daily_failures(engine, YESTERDAY, days=7, charges=10_000, failures=5, status="open")
    assert check(engine) == []
    # Failures of a month ago that nobody recovered: critical.
    daily_failures(engine, date(2027, 2, 10), days=10, charges=10_000, failures=5, status="open")
    assert check(engine) == [(Transition.RAISED, "recovery_rate", "credit_card", "critical")]


def test_a_methods_own_thresholds_replace_the_default(engine):
    save_rule(engine, Rule("failure_rate", scope="credit_card", warning=0.08, critical=0.2))
    daily_failures(engine, YESTERDAY, days=7, charges=100, failures=6)
    assert check(engine) == []
    with pytest.raises(UserFacingError, match="between 0 and 1"):
        save_rule(engine, Rule("failure_rate", warning=5, critical=10))


def test_a_gateway_jumping_against_its_history_raises_an_anomaly(engine):
    daily_failures(engine, YESTERDAY, days=29, charges=100, failures=2)
    assert check(engine, anomaly=AnomalyRule()) == []
    daily_failures(engine, date(2027, 3, 8), days=28, charges=100, failures=2, gateway="nmi")
    daily_failures(
        engine, YESTERDAY, days=1, charges=100, failures=15, gateway="nmi", replace=False
    )
    changes = check(engine, anomaly=AnomalyRule())
    assert (Transition.RAISED, "failure_anomaly", "nmi", "critical") in changes
    assert all(scope != "stripe" for _, _, scope, _ in changes)
    [jump] = [a for a in open_alerts(engine) if a.metric == "failure_anomaly"]
    assert jump.text == "Failure-rate jump of nmi: 15.0 % yesterday, usually 2.0 %"


def test_without_volume_a_burst_of_failures_is_still_caught(engine):
    daily_failures(engine, date(2027, 3, 8), days=28, charges=0, failures=3, volume=False)
    daily_failures(engine, YESTERDAY, days=1, charges=0, failures=20, volume=False, replace=False)
    changes = check(engine, anomaly=AnomalyRule())
    assert changes == [(Transition.RAISED, "failure_burst", "stripe", "critical")]
    [burst] = open_alerts(engine)
    assert burst.text == "Failure burst of stripe: 20.0 a day yesterday, usually 3.0 a day"


def test_acknowledge_marks_who_saw_it_and_refuses_twice(engine):
    daily_failures(engine, YESTERDAY, days=7, charges=100, failures=12)
    check(engine)
    [alert] = open_alerts(engine)
    seen = acknowledge(engine, alert.id, "mbrown", NOW)
    assert seen.acknowledged_by == "mbrown" and open_alerts(engine)[0].acknowledged_at == NOW
    with pytest.raises(UserFacingError, match="already acknowledged by mbrown"):
        acknowledge(engine, alert.id, "admin", NOW)
    with pytest.raises(UserFacingError, match="no alert"):
        acknowledge(engine, "nope", "admin", NOW)
    assert alert_history(engine)[0].kind == "acknowledged"


def test_a_failing_notifier_does_not_stop_the_others_or_the_alert(engine, caplog):
    told = []

    def broken(change):
        raise ConnectionError("SMS provider down")

    daily_failures(engine, YESTERDAY, days=7, charges=100, failures=12)
    assert len(check(engine, notifiers=[broken, told.append])) == 1
    assert [c.alert.scope for c in told] == ["credit_card"]
    assert len(open_alerts(engine)) == 1
    assert "alert notifier" in caplog.text
