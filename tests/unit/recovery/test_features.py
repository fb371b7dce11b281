"""The vectorised features agree with the plain local time, across DST and odd offsets."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from app.recovery.features import AttemptSituation, feature_matrix
from app.recovery.payday import days_since_payday

ZONES = ["America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe",
         "Pacific/Chatham", "America/St_Johns", "Europe/London"]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    start=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
    ),
    step_hours=st.integers(1, 5),
    paydays=st.sampled_from([(), (1,), (15, 30)]),
)
def test_hour_weekday_day_and_payday_match_local_time(zone, start, step_hours, paydays):
    tz = ZoneInfo(zone)
    situation = AttemptSituation(
        1_000,
        "card",
        "visa",
        "debit",
        2,
        start - timedelta(days=1),
        "insufficient_funds",
        False,
        False,
        paydays,
        tz,
    )
    times = [start + k * timedelta(hours=step_hours) for k in range(100)]
    rows = feature_matrix(situation, times)
    for row, t in zip(rows, times, strict=True):
        local = t.astimezone(tz)
        assert (row[0], row[1], row[2]) == (local.hour, local.weekday(), local.day)
        assert row[-2] == days_since_payday(local.day, paydays)
