"""Messages: quiet hours, Sundays, holidays and caps hold in any zone, DST and half hours too."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from app.recovery.code_tables import load_decline_codes
from app.recovery.ledger import AttemptLedger
from app.recovery.message_ledger import MessageLedger, Recipient
from app.recovery.network_rules import CaseState
from app.recovery.zones import consumer_zones

CODES = load_decline_codes()
PLACES = [
    ("America/New_York", "US", "NY"),
    ("America/Los_Angeles", "US", "CA"),
    ("America/St_Johns", "CA", "NL"),  # -3:30, with DST
    ("Asia/Kolkata", "IN", "MH"),  # +5:30
    ("Asia/Kathmandu", "NP", ""),  # +5:45
    ("Australia/Adelaide", "AU", "SA"),  # +9:30/+10:30, southern DST
    ("Australia/Lord_Howe", "AU", "NSW"),  # a half-hour DST shift
    ("Europe/London", "GB", "SCT"),
    ("Europe/Berlin", "DE", "BY"),
    ("Pacific/Chatham", "NZ", ""),  # +12:45/+13:45
]


def _books(case_id: str = "c1") -> tuple[AttemptLedger, MessageLedger]:
    attempts = AttemptLedger()
    decline = CODES.classify(gateway="nmi", method="card", network="visa", code="202")
    attempts.open_case(
        case_id,
        method="card",
        network="visa",
        instrument="i",
        failed_at=datetime(2026, 1, 1, tzinfo=UTC),
        decline=decline,
    )
    return attempts, MessageLedger(attempts)


def _open(at: datetime, zone: ZoneInfo, country: str, subdivision: str) -> bool:
    local = at.astimezone(zone)
    days = holidays.country_holidays(country, subdiv=subdivision or None)
    return 8 <= local.hour < 21 and local.weekday() != 6 and local.date() not in days


@settings(max_examples=200, deadline=None)
@given(
    place=st.sampled_from(PLACES),
    start=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
    ),
    sends=st.integers(1, 6),
)
def test_messages_land_in_open_hours_within_the_caps(place, start, sends):
    zone_name, country, subdivision = place
    zone = ZoneInfo(zone_name)
    _, messages = _books()
    to = Recipient("p1", (zone,), country, subdivision)
    sent: list[datetime] = []
    at = start
    for _ in range(sends):
        found = messages.next_allowed_time("c1", to, "sms", at)
        assert found is not None and found >= at
        assert _open(found, zone, country, subdivision), found.astimezone(zone)
        messages.permit("c1", to, "sms", found)
        sent.append(found)
        at = found
    local_days = [s.astimezone(zone).date() for s in sent]
    assert len(local_days) == len(set(local_days)), "two messages on one local day"
    for s in sent:
        assert sum(1 for o in sent if s - timedelta(days=7) <= o <= s) <= 3


def test_a_holiday_of_the_subdivision_is_quiet():
    # 31 March 2027 is Cesar Chavez Day in California, a Wednesday.
    _, messages = _books()
    to = Recipient("p1", (ZoneInfo("America/Los_Angeles"),), "US", "CA")
    morning = datetime(2027, 3, 31, 17, 0, tzinfo=UTC)  # 10:00 in Los Angeles
    assert "holiday" in messages.refusal("c1", to, "email", morning)
    elsewhere = Recipient("p2", (ZoneInfo("America/Los_Angeles"),), "US", "NV")
    assert messages.refusal("c1", elsewhere, "email", morning) is None


def test_no_message_after_opt_out_or_after_paid():
    attempts, messages = _books()
    to = Recipient("p1", (ZoneInfo("Europe/London"),), "GB", "")
    noon = datetime(2027, 1, 6, 12, tzinfo=UTC)
    messages.opted_out("p1", "sms")
    assert "opted out" in messages.refusal("c1", to, "sms", noon)
    assert messages.refusal("c1", to, "email", noon) is None
    attempts.set_state("c1", CaseState.PAID)
    assert messages.next_allowed_time("c1", to, "email", noon) is None


def test_urgent_breaks_quiet_hours_once_and_only_for_high_value():
    _, messages = _books()
    to = Recipient("p1", (ZoneInfo("Europe/London"),), "GB", "")
    night = datetime(2027, 1, 6, 23, tzinfo=UTC)
    assert messages.refusal("c1", to, "sms", night, urgent=True, high_value=False)
    assert messages.refusal("c1", to, "sms", night, urgent=True, high_value=True) is None
    messages.permit("c1", to, "sms", night, urgent=True, high_value=True)
    two_nights = night + timedelta(days=2)
    assert "once per case" in messages.refusal(
        "c1", to, "sms", two_nights, urgent=True, high_value=True
    )


def test_the_zone_comes_from_the_phone_when_the_consumer_has_none():
    assert consumer_zones("", "+14155550100", "US") == (ZoneInfo("America/Los_Angeles"),)
    assert consumer_zones("Asia/Kolkata", "+14155550100", "US") == (ZoneInfo("Asia/Kolkata"),)
    assert consumer_zones("", "", "IN") == (ZoneInfo("Asia/Kolkata"),)
    assert consumer_zones("Not/AZone", "", "DE") == (ZoneInfo("Europe/Berlin"),)


def test_a_phone_spanning_zones_must_suit_all_of_them():
    zones = consumer_zones("", "+61412345678", "AU")  # an Australian mobile: many zones
    assert len(zones) > 1
    _, messages = _books()
    to = Recipient("p1", zones, "AU", "")
    found = messages.next_allowed_time("c1", to, "sms", datetime(2027, 2, 2, tzinfo=UTC))
    assert found is not None
    assert all(8 <= found.astimezone(z).hour < 21 for z in zones)
