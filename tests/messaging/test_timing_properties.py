"""Quiet hours, holidays, weekends and caps hold for any consumer, zone and date: the first
allowed instant is allowed, and the instant just before it was not (DST and half hours too)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.recovery.messaging_rules import Hours, MessagingRules
from app.recovery.quiet_hours import forbidden_reason, next_allowed

# (zone, country, subdivision): half and quarter hours, southern and northern DST, Fri-Sat
# weekends, and places with regional holidays.
PLACES = [
    ("Asia/Kolkata", "IN", "MH"),
    ("Asia/Kathmandu", "NP", ""),
    ("America/St_Johns", "CA", "NL"),
    ("America/New_York", "US", "NY"),
    ("America/Los_Angeles", "US", "CA"),
    ("Europe/London", "GB", "SCT"),
    ("Europe/Berlin", "DE", "BY"),
    ("Australia/Sydney", "AU", "NSW"),
    ("Australia/Adelaide", "AU", "SA"),
    ("Australia/Lord_Howe", "AU", "NSW"),
    ("America/Santiago", "CL", ""),
    ("Asia/Riyadh", "SA", ""),
    ("Asia/Jerusalem", "IL", ""),
    ("Pacific/Chatham", "NZ", ""),
]
WEEK = timedelta(days=7)

instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
places = st.sampled_from(PLACES)


@st.composite
def rule_sets(draw: st.DrawFn) -> MessagingRules:
    # Opening from 04:00: no zone changes its clocks after that, so "the local hour" is one
    # unambiguous stretch of the day (DST gaps at the opening are tested on their own below).
    opens = time(draw(st.integers(4, 11)), draw(st.sampled_from([0, 15, 30, 45])))
    closes = time(draw(st.integers(12, 23)), draw(st.sampled_from([0, 30, 59])))
    per_day = draw(st.integers(1, 2))
    weekend = draw(st.sampled_from([(6,), (5, 6), (), (4, 5)]))
    return MessagingRules(
        default_hours=Hours(opens, closes),
        default_weekend=weekend,
        weekends={},
        per_day=per_day,
        per_week=draw(st.integers(per_day, 4)),
    )


def _violations(at: datetime, zone: ZoneInfo, country: str, sub: str, rules, sent) -> list[str]:
    """An independent reading of the rules (holidays straight from the `holidays` package)."""
    local = at.astimezone(zone)
    found = []
    hours = rules.hours_for(country, sub)
    if not hours.opens <= local.time() < hours.closes:
        found.append("quiet hours")
    if local.weekday() in rules.weekend_for(country, sub):
        found.append("weekend")
    try:
        table = holidays.country_holidays(country, subdiv=sub or None)
    except NotImplementedError:
        table = holidays.country_holidays(country)
    if local.date() in table:
        found.append("holiday")
    earlier = [s for s in sent if s <= at]
    if sum(1 for s in earlier if s.astimezone(zone).date() == local.date()) >= rules.per_day:
        found.append("day cap")
    if sum(1 for s in earlier if s > at - WEEK) >= rules.per_week:
        found.append("week cap")
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    place=places,
    at=instants,
    rules=rule_sets(),
    offsets=st.lists(st.integers(0, 10 * 24 * 60), max_size=5),
)
def test_the_next_allowed_instant_is_allowed_and_is_the_first(place, at, rules, offsets) -> None:
    zone_name, country, sub = place
    zone = ZoneInfo(zone_name)
    sent = [at - timedelta(minutes=m) for m in offsets]
    found = next_allowed(at, (zone,), country, sub, rules, sent=sent)
    assert found >= at
    assert _violations(found, zone, country, sub, rules, sent) == []
    assert forbidden_reason(found, (zone,), country, sub, rules, sent=sent) is None
    if found > at:
        just_before = found - timedelta(seconds=1)
        assert _violations(just_before, zone, country, sub, rules, sent), (
            f"{just_before.astimezone(zone)} was allowed already"
        )
    assert found - at < timedelta(days=30)


@settings(max_examples=200, deadline=None)
@given(place=places, at=instants, offsets=st.lists(st.integers(0, 8 * 24 * 60), max_size=6))
def test_a_forbidden_instant_is_named_with_its_reason(place, at, offsets) -> None:
    zone_name, country, sub = place
    zone, rules = ZoneInfo(zone_name), MessagingRules()
    sent = [at - timedelta(minutes=m) for m in offsets]
    why = forbidden_reason(at, (zone,), country, sub, rules, sent=sent)
    assert (why is None) == (_violations(at, zone, country, sub, rules, sent) == [])


def test_default_hours_are_eight_to_nine_local_in_kathmandu() -> None:
    zone = ZoneInfo("Asia/Kathmandu")  # +05:45
    # Wednesday 7 Jan 2026 02:14 UTC is 07:59 in Kathmandu: one minute before the opening.
    at = datetime(2026, 1, 7, 2, 14, tzinfo=UTC)
    found = next_allowed(at, (zone,), "NP", "", MessagingRules())
    assert found.astimezone(zone).time() == time(8, 0)
    assert found == datetime(2026, 1, 7, 2, 15, tzinfo=UTC)


def test_a_message_after_nine_on_saturday_in_new_york_waits_for_monday_across_dst() -> None:
    zone = ZoneInfo("America/New_York")
    # Saturday 7 March 2026, 21:30 EST; clocks go forward on Sunday the 8th.
    at = datetime(2026, 3, 7, 21, 30, tzinfo=zone)
    found = next_allowed(at, (zone,), "US", "NY", MessagingRules())
    assert found.astimezone(zone) == datetime(2026, 3, 9, 8, 0, tzinfo=zone)
    assert found == datetime(2026, 3, 9, 12, 0, tzinfo=UTC)  # EDT: UTC-4 now


def test_an_opening_hour_the_clocks_jump_over_opens_at_the_jump() -> None:
    zone = ZoneInfo("America/New_York")
    rules = MessagingRules(default_hours=Hours(time(2, 30), time(21, 0)), default_weekend=())
    at = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # 00:00 EST on the day 02:00-03:00 is skipped
    found = next_allowed(at, (zone,), "US", "NY", rules)
    assert found == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # 03:00 EDT, the first open minute
    assert found.astimezone(zone).time() == time(3, 0)


def test_the_repeated_hour_of_autumn_opens_at_its_first_occurrence() -> None:
    zone = ZoneInfo("America/St_Johns")  # -03:30 / -02:30; falls back on Sunday 1 Nov 2026
    rules = MessagingRules(default_hours=Hours(time(1, 30), time(21, 0)), default_weekend=())
    at = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)  # 00:30 NDT
    found = next_allowed(at, (zone,), "CA", "NL", rules)
    assert found == datetime(2026, 11, 1, 4, 0, tzinfo=UTC)  # 01:30 NDT, not an hour later


def test_a_regional_holiday_is_skipped_only_in_its_region() -> None:
    zone = ZoneInfo("Europe/Berlin")
    at = datetime(2026, 1, 6, 9, 0, tzinfo=zone)  # Epiphany: a holiday in Bavaria, not Berlin
    assert next_allowed(at, (zone,), "DE", "BE", MessagingRules()) == at
    assert next_allowed(at, (zone,), "DE", "BY", MessagingRules()) == datetime(
        2026, 1, 7, 8, 0, tzinfo=zone
    )


def test_friday_is_a_rest_day_in_riyadh_and_saturday_a_working_day_in_kolkata() -> None:
    riyadh, kolkata = ZoneInfo("Asia/Riyadh"), ZoneInfo("Asia/Kolkata")
    friday = datetime(2026, 1, 9, 10, 0, tzinfo=riyadh)
    assert next_allowed(friday, (riyadh,), "SA", "", MessagingRules()).date() == date(2026, 1, 11)
    saturday = datetime(2026, 1, 10, 10, 0, tzinfo=kolkata)
    assert next_allowed(saturday, (kolkata,), "IN", "", MessagingRules()) == saturday


def test_three_reminders_in_a_week_hold_the_fourth_until_the_first_is_seven_days_old() -> None:
    zone = ZoneInfo("Asia/Kolkata")
    first = datetime(2026, 1, 5, 10, 0, tzinfo=zone)  # Monday
    sent = [first, first + timedelta(days=1), first + timedelta(days=2)]
    at = first + timedelta(days=3)
    found = next_allowed(at, (zone,), "IN", "", MessagingRules(), sent=sent)
    assert found == first + WEEK  # Monday 12 Jan 10:00 local, to the second


def test_a_message_already_sent_today_holds_the_next_one_until_tomorrow_morning() -> None:
    zone = ZoneInfo("America/St_Johns")
    sent = [datetime(2026, 1, 7, 9, 0, tzinfo=zone)]
    found = next_allowed(
        sent[0] + timedelta(hours=2), (zone,), "CA", "NL", MessagingRules(), sent=sent
    )
    assert found == datetime(2026, 1, 8, 8, 0, tzinfo=zone)


def test_an_urgent_reminder_skips_the_hours_but_never_the_caps() -> None:
    zone = ZoneInfo("America/New_York")
    night = datetime(2026, 1, 7, 23, 0, tzinfo=zone)
    rules = MessagingRules()
    assert forbidden_reason(night, (zone,), "US", "NY", rules, urgent=True) is None
    earlier = [night - timedelta(hours=1)]
    assert "today" in forbidden_reason(night, (zone,), "US", "NY", rules, sent=earlier, urgent=True)
