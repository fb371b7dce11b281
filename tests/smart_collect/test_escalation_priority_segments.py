"""Escalation due times in business hours, the queue's priority, segments with why."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.domain.errors import UserFacingError
from app.recovery.quiet_hours import HolidayCalendar
from app.recovery.smart_collect.escalation import BusinessHours, CaseFacts, escalations
from app.recovery.smart_collect.priority import priority
from app.recovery.smart_collect.segments import (
    SegmentFacts,
    classify,
    label,
    validated,
    value_band,
)

NEW_YORK = ZoneInfo("America/New_York")
CALENDAR = HolidayCalendar()
US_HOURS = BusinessHours(NEW_YORK, lambda day: CALENDAR.is_holiday(day, "US", ""))


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


def test_four_business_hours_from_friday_afternoon_end_on_monday_morning():
    due = US_HOURS.add(local(2027, 3, 12, 15, 0), 4)  # Friday 15:00
    assert due.astimezone(NEW_YORK) == local(2027, 3, 15, 11, 0)  # Monday 11:00


def test_a_public_holiday_is_skipped():
    # Friday 2 July 2027, 16:00; Monday 5 July is the observed Independence Day.
    due = US_HOURS.add(local(2027, 7, 2, 16, 0), 4)
    assert due.astimezone(NEW_YORK) == local(2027, 7, 6, 12, 0)


def test_a_regional_holiday_counts_only_in_its_region():
    bavaria = BusinessHours(ZoneInfo("Europe/Berlin"),
                            lambda d: CALENDAR.is_holiday(d, "DE", "BY"))  # fmt: skip
    berlin = BusinessHours(ZoneInfo("Europe/Berlin"), lambda d: CALENDAR.is_holiday(d, "DE", "BE"))
    start = datetime(2027, 1, 5, 16, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # before Epiphany
    assert bavaria.add(start, 2).day == 7 and berlin.add(start, 2).day == 6


def test_night_requests_start_counting_at_opening_time():
    due = US_HOURS.add(local(2027, 3, 9, 22, 30), 4)  # Tuesday night
    assert due.astimezone(NEW_YORK) == local(2027, 3, 10, 13, 0)


def facts(**changes) -> CaseFacts:
    values = dict(case_id="C1", vip=False, value_band="low", at_risk=False, failures=1,
                  category="insufficient_funds", failed_at=datetime(2027, 3, 1, tzinfo=UTC),
                  grace_days=30, executive="Maria Lopez")  # fmt: skip
    return CaseFacts(**{**values, **changes})


NOW = datetime(2027, 3, 12, 20, 0, tzinfo=UTC)  # Friday 15:00 in New York


def test_a_vip_high_value_second_failure_goes_to_the_named_executive_in_four_hours():
    [step] = escalations(facts(vip=True, value_band="high", failures=2), NOW, US_HOURS)
    assert step.owner == "Maria Lopez" and step.action == "call the consumer"
    assert step.due_at.astimezone(NEW_YORK) == local(2027, 3, 15, 11, 0)


def test_rules_apply_in_order_and_only_when_they_match():
    steps = escalations(
        facts(at_risk=True, failures=3, category="hard", grace_days=5), NOW, US_HOURS
    )
    assert [s.rule for s in steps] == [
        "at_risk_payment_plan", "hard_decline_new_method", "grace_over_supervisor",
    ]  # fmt: skip
    assert steps[-1].owner == "supervisor" and "disconnection" in steps[-1].action
    assert escalations(facts(), NOW, US_HOURS) == []


def test_priority_orders_value_then_likelihood_and_age_and_vip():
    big_old = priority("high", 20, 50, False)
    small_new = priority("low", 1, 90, False)
    vip = priority("low", 1, 90, True)
    ordered = sorted([("small", small_new), ("vip", vip), ("big", big_old)],
                     key=lambda kv: -kv[1].score)  # fmt: skip
    assert [name for name, _ in ordered] == ["big", "vip", "small"]
    assert "VIP" in vip.why and "high" in big_old.why


def segment_facts(**changes) -> SegmentFacts:
    values = dict(amount_minor=60_000, currency="USD", product="installment", method="card",
                  vip_flag=False, earlier_cases=2, paid_cases=1, high_value_paid=0,
                  punctuality=50.0, bills=2, high_signals=(), medium_signals=())  # fmt: skip
    return SegmentFacts(**{**values, **changes})


def test_segments_say_why():
    found = {s.dimension: s for s in classify(segment_facts())}
    assert found["value"].value == "high" and "high from 500.00" in found["value"].why
    assert found["history"].value == "repeat" and "2 earlier case(s)" in found["history"].why
    assert found["product"].value == "installment" and found["method"].value == "card"
    assert found["config"].value == "high_value"


def test_at_risk_and_vip_by_rule():
    found = {s.dimension: s.value for s in classify(segment_facts(
        amount_minor=500, high_signals=("REPEATED_COLLECTION_FAILURES",)))}  # fmt: skip
    assert found["risk"] == "at_risk" and found["config"] == "at_risk"
    facts = segment_facts(amount_minor=500, high_signals=("REPEATED_COLLECTION_FAILURES",))
    [risk] = [s for s in classify(facts) if s.dimension == "risk"]
    assert (label(risk), risk.why) == ("At risk", "repeated collection failures")
    vip = {s.dimension: s for s in classify(segment_facts(amount_minor=500, high_value_paid=3))}
    assert vip["vip"].value == "vip" and "by rule" in vip["vip"].why


def test_value_bands_per_currency_and_by_median_elsewhere():
    assert value_band(2_499_999, "INR")[0] == "medium"
    assert value_band(2_500_000, "INR")[0] == "high"
    assert value_band(1_000, "JPY", median_minor=100)[0] == "high"


def test_a_bad_configuration_is_refused_with_what_is_wrong():
    with pytest.raises(UserFacingError, match="max_retries is at most 4"):
        validated("standard", {"max_retries": 6})
    with pytest.raises(UserFacingError, match="tone"):
        validated("standard", {"tone": "rude"})
    assert validated("at_risk", {"grace_period_days": 20})["grace_period_days"] == 20
