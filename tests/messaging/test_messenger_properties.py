"""Whatever the engine asks and whenever, what reaches a consumer through the messenger is
inside their hours, off their weekend and holidays, within the caps, and never after an opt-out.
"""

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.recovery.messaging_rules import MessagingRules
from app.services.message_consents import opt_out
from app.services.recovery_messenger import RecoveryMessenger
from tests.messaging.helpers import add_case, add_consumer, fakes, permit, recovery_db

# (zone, country, subdivision, phone): the phone is what the zone is derived from when the
# consumer has none stored.
PLACES = [
    ("Asia/Kolkata", "IN", "KA", "+919876543210"),
    ("Asia/Kathmandu", "NP", "", "+9779841234567"),
    ("America/St_Johns", "CA", "NL", "+17097271234"),
    ("America/New_York", "US", "NY", "+12015550123"),
    ("Europe/London", "GB", "ENG", "+442079460000"),
    ("Asia/Riyadh", "SA", "", "+966501234567"),
]
_ids = itertools.count()


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return recovery_db(tmp_path_factory.mktemp("messaging"))


def _allowed(at: datetime, zone: ZoneInfo, country: str, sub: str, earlier: list[datetime]):
    rules = MessagingRules()
    local = at.astimezone(zone)
    table = holidays.country_holidays(country, subdiv=sub or None)
    assert rules.hours_for(country, sub).admits(local.time()), f"{local} is in quiet hours"
    assert local.weekday() not in rules.weekend_for(country, sub), f"{local} is a rest day"
    assert local.date() not in table, f"{local} is a holiday"
    assert not any(e.astimezone(zone).date() == local.date() for e in earlier), "2 in a day"
    assert sum(1 for e in earlier if e > at - timedelta(days=7)) < 3, "4 in a week"


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    place=st.sampled_from(PLACES),
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 1),
                       timezones=st.just(UTC)),
    steps=st.lists(st.integers(1, 40 * 60), min_size=1, max_size=12),
    stored_zone=st.booleans(),
    opt_out_after=st.integers(0, 12),
    channel=st.sampled_from(["sms", "whatsapp", "email", "all"]),
)  # fmt: skip
def test_nothing_reaches_a_consumer_at_a_forbidden_time_or_after_an_opt_out(
    engine, place, start, steps, stored_zone, opt_out_after, channel
) -> None:
    zone_name, country, sub, phone = place
    n = next(_ids)
    consumer, case = f"P{n}", f"PK{n}"
    add_consumer(engine, consumer, country=country, subdivision=sub, phone=phone,
                 timezone=zone_name if stored_zone else "")  # fmt: skip
    add_case(engine, case, consumer)
    channels = fakes()
    messenger = RecoveryMessenger(engine, channels)
    at = start
    delivered: list[datetime] = []
    refused: set[str] = set()
    for index, minutes in enumerate(steps):
        at += timedelta(minutes=minutes)
        if index == opt_out_after:
            opt_out(engine, consumer, channel, at, source="property test")
            refused = {"sms", "whatsapp", "email"} if channel == "all" else {channel}
        before = {c: len(f.sent) for c, f in channels.items()}
        result = messenger.send(permit(case, consumer, at), template="t", payment_link=False)
        went = [c for c, f in channels.items() if len(f.sent) > before[c]]
        if result.accepted:
            assert len(went) == 1, "one reminder, one channel"
            assert went[0] not in refused, f"sent on {went[0]} after the opt-out"
            _allowed(at, ZoneInfo(zone_name), country, sub, delivered)
            delivered.append(at)
        else:
            assert went == []
