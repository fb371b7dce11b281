"""Smart Collect's services on a real SQLite recovery database."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db.recovery_tables import recovery_cases, recovery_decisions
from app.domain.errors import UserFacingError
from app.recovery.smart_collect.probability import Band
from app.services.smart_collect import smart_collect_view
from app.services.smart_collect_actions import attempt_now, reschedule_to_window
from app.services.smart_collect_escalations import close_escalation, evaluate_escalations
from app.services.smart_collect_queue import recovery_queue
from app.services.smart_collect_segments import config_history, current_configs, set_config
from sync.simulation.behaviour import PaySchedule
from tests.smart_collect.histories import credits
from tests.smart_collect.rows import add_attempt, add_case, add_consumer, add_credits, paid_history

NOW = datetime(2027, 3, 2, 15, 0, tzinfo=UTC)  # Tuesday 10:00 in New York


@pytest.fixture
def salaried(engine):
    """C1 is paid on the 15th; their open case is due tomorrow, late in their cycle."""
    add_consumer(engine, "C1")
    add_credits(engine, "C1", credits(PaySchedule("monthly", day=15), date(2026, 3, 1), 365), NOW)
    paid_history(engine, "C1", datetime(2026, 9, 17, 15, tzinfo=UTC), 4)
    add_case(engine, "CASE-1", "C1", NOW - timedelta(days=1), amount_minor=130_000,
             next_at=NOW + timedelta(days=1))  # fmt: skip
    return engine


def test_the_view_shows_pattern_window_and_upcoming(salaried):
    view = smart_collect_view(salaried, "C1", NOW)
    assert view.income.kind == "monthly" and view.income.typical_day == 15
    assert view.income.source == "credits"
    assert (view.next_window.start, view.next_window.end) == (date(2027, 3, 17), date(2027, 3, 22))
    [upcoming] = view.upcoming
    assert upcoming.collection_id == "CASE-1" and upcoming.scheduled_date == date(2027, 3, 3)
    assert upcoming.status in (Band.RISKY, Band.CRITICAL)
    assert view.recommendations[0].recommendation_type == "RESCHEDULE"
    [retry] = view.smart_retries
    assert retry.plan.at == date(2027, 3, 16) and "low balance" in retry.plan.reason
    assert view.summary.total_scheduled == 5 and view.summary.successful_collections == 4
    assert view.summary.first_attempt_success_rate == 100.0
    assert {s.dimension for s in view.segments} >= {"value", "history", "risk", "vip"}


def test_reschedule_moves_the_upcoming_date_into_the_window(salaried):
    result = reschedule_to_window(salaried, "CASE-1", "ann", NOW)
    assert result.optimal_window_used
    assert result.next_at == datetime(2027, 3, 17, 14, 0, tzinfo=UTC)  # 10:00 New York (EDT)
    [upcoming] = smart_collect_view(salaried, "C1", NOW).upcoming
    assert upcoming.scheduled_date == date(2027, 3, 17) and upcoming.in_window
    assert upcoming.status is Band.OPTIMAL
    with salaried.connect() as connection:
        decision = connection.execute(select(recovery_decisions)).one()
    assert decision.policy == "smart_collect" and decision.kind == "retry_at"
    assert "rescheduled by ann" in decision.reason and "network rules allow" in decision.reason


def test_attempt_now_is_refused_when_the_network_rules_forbid_it(engine):
    add_consumer(engine, "C2")
    add_case(engine, "STOLEN", "C2", NOW - timedelta(hours=2), code="stolen_card",
             category="hard", next_at=NOW + timedelta(days=2))  # fmt: skip
    with pytest.raises(UserFacingError, match="new payment method"):
        attempt_now(engine, "STOLEN", "boss", NOW)
    with engine.connect() as connection:
        next_at = connection.execute(select(recovery_cases.c.next_at)).scalar_one()
        assert next_at == NOW + timedelta(days=2)
        assert connection.execute(select(recovery_decisions)).first() is None


def test_attempt_now_queues_the_case_for_the_service(salaried):
    result = attempt_now(salaried, "CASE-1", "boss", NOW)
    assert result.next_at == NOW
    with salaried.connect() as connection:
        decision = connection.execute(select(recovery_decisions)).one()
    assert decision.kind == "retry_now" and "supervisor boss" in decision.reason


def test_a_case_held_by_a_worker_is_not_moved(salaried):
    with salaried.begin() as connection:
        connection.execute(recovery_cases.update().values(
            claimed_by="w1", claimed_until=NOW + timedelta(minutes=3)))  # fmt: skip
    with pytest.raises(UserFacingError, match="worker w1"):
        reschedule_to_window(salaried, "CASE-1", "ann", NOW)


def test_segment_configurations_are_versioned_with_who_and_what(engine):
    assert current_configs(engine)["standard"].version == 0
    set_config(engine, "standard", {"grace_period_days": 12}, "ann", NOW)
    set_config(engine, "standard", {"tone": "firm", "channels": ["sms"]}, "bob", NOW, "test")
    config = current_configs(engine)["standard"]
    assert config.version == 2 and config.settings["grace_period_days"] == 12
    assert config.settings["tone"] == "firm"
    history = config_history(engine, "standard")
    assert [(h.version, h.changed_by) for h in history] == [(1, "ann"), (2, "bob")]
    assert history[0].changes == {"grace_period_days": [10, 12]}
    assert history[1].changes["tone"] == ["friendly", "firm"]
    with pytest.raises(UserFacingError, match="Nothing changes"):
        set_config(engine, "standard", {"tone": "firm"}, "bob", NOW)
    with pytest.raises(UserFacingError):
        set_config(engine, "standard", {"max_retries": 9}, "bob", NOW)
    assert len(config_history(engine)) == 2


def test_the_queue_puts_the_vip_high_value_case_first(salaried):
    add_consumer(salaried, "V1", vip=True)
    add_case(salaried, "VIP-1", "V1", NOW - timedelta(days=3), amount_minor=90_000,
             next_at=NOW + timedelta(hours=1))  # fmt: skip
    add_consumer(salaried, "S1")
    add_case(salaried, "SMALL-1", "S1", NOW - timedelta(days=3), amount_minor=1_500,
             next_at=NOW + timedelta(hours=1))  # fmt: skip
    queue = recovery_queue(salaried, NOW)
    assert queue[0].case_id == "VIP-1" and queue[-1].case_id == "SMALL-1"
    assert queue[0].segment == "high_value" and queue[0].vip
    assert all(queue[i].priority >= queue[i + 1].priority for i in range(len(queue) - 1))


def test_escalations_open_once_then_are_missed_or_done(engine):
    add_consumer(engine, "V2", vip=True)
    add_case(engine, "VIP-2", "V2", NOW - timedelta(days=2), amount_minor=90_000,
             next_at=NOW + timedelta(hours=1))  # fmt: skip
    add_attempt(engine, "VIP-2", NOW - timedelta(days=1), False, category="insufficient_funds")
    [step] = evaluate_escalations(engine, NOW, executive="Maria Lopez")
    assert (step.rule, step.owner, step.state) == (
        "vip_high_value_second_failure", "Maria Lopez", "open")  # fmt: skip
    assert step.due_at == datetime(2027, 3, 2, 19, 0, tzinfo=UTC)  # 14:00 New York
    assert len(evaluate_escalations(engine, NOW + timedelta(hours=1))) == 1
    [missed] = evaluate_escalations(engine, NOW + timedelta(hours=5))
    assert missed.state == "missed"
    close_escalation(engine, missed.id, "maria", "called", NOW + timedelta(hours=6))
    [done] = evaluate_escalations(engine, NOW + timedelta(hours=7))
    assert done.state == "done" and done.closed_by == "maria" and "missed" in done.note


def test_forecasts_are_kept_once_a_day_and_met_by_the_next_attempt(salaried):
    from app.services.smart_collect_data import forecast_outcomes

    first = smart_collect_view(salaried, "C1", NOW).upcoming[0]
    smart_collect_view(salaried, "C1", NOW + timedelta(hours=1))
    assert forecast_outcomes(salaried) == []  # no attempt followed yet
    add_attempt(salaried, "CASE-1", NOW + timedelta(days=1), False, category="insufficient_funds")
    assert forecast_outcomes(salaried) == [(first.raw_probability, False)]
    assert "fixed thresholds" in smart_collect_view(salaried, "C1", NOW).calibration
