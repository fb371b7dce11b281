"""The messenger of `recovery run` honours a consumer's preferences (real SQLite recovery
database, channel fakes): the preferred channel first, a reminder held until the preferred
time of day, and a gentle tone - never the urgent override - for a consumer in hardship."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.db.recovery_tables import recovery_messages
from app.recovery.channels import ChannelName
from app.services.circumstances_recovery import CircumstancesNotice, record_circumstances
from app.services.recovery_messenger import RecoveryMessenger
from tests.messaging.helpers import add_case, add_consumer, everything_sent, fakes, permit
from tests.messaging.helpers import recovery_db as make_db

KOLKATA = ZoneInfo("Asia/Kolkata")
WEDNESDAY_10 = datetime(2026, 1, 7, 10, 0, tzinfo=KOLKATA)  # no holiday in Maharashtra


def _consumer(tmp_path, circumstances: tuple[str, ...], channel: str, window: tuple[str, str]):
    engine = make_db(tmp_path)
    add_consumer(engine, "C1", phone="+919876543210", country="IN", subdivision="MH")
    add_case(engine, "K1", "C1", currency="INR", segment="high_value")
    record_circumstances(
        engine,
        CircumstancesNotice(
            consumer_id="C1", circumstances=circumstances, preferred_channel=channel,
            preferred_from=window[0], preferred_until=window[1], language="",
            set_by="jsmith", set_at=datetime.now(UTC), version=1,
        ),
    )  # fmt: skip
    return engine


def test_the_preferred_channel_goes_first(tmp_path) -> None:
    engine = _consumer(tmp_path, (), "email", ("", ""))
    channels = fakes()
    result = RecoveryMessenger(engine, channels).send(
        permit("K1", "C1", WEDNESDAY_10), template="first_notice", payment_link=True
    )
    assert result.accepted, result.error
    assert [m.channel for m in everything_sent(channels)] == [ChannelName.EMAIL]


def test_a_reminder_waits_for_the_preferred_time_of_day(tmp_path) -> None:
    engine = _consumer(tmp_path, (), "", ("17:00", "20:00"))
    channels = fakes()
    messenger = RecoveryMessenger(engine, channels)
    held = messenger.send(permit("K1", "C1", WEDNESDAY_10), template="t", payment_link=False)
    assert not held.accepted and everything_sent(channels) == []
    assert held.error == (
        "held: the consumer prefers 17:00-20:00; next allowed at 2026-01-07T11:30:00+00:00 "
        "(Wed 17:00 local)"
    )
    evening = datetime(2026, 1, 7, 18, 0, tzinfo=KOLKATA)
    assert messenger.send(permit("K1", "C1", evening), template="t", payment_link=False).accepted


def test_a_consumer_in_hardship_never_gets_the_urgent_override(tmp_path) -> None:
    engine = _consumer(tmp_path, ("hardship",), "", ("", ""))
    late = datetime(2026, 1, 7, 22, 30, tzinfo=KOLKATA)  # after hours: only urgent may go
    result = RecoveryMessenger(engine, fakes()).send(
        permit("K1", "C1", late, urgent=True), template="t", payment_link=True
    )
    assert not result.accepted and result.error.startswith("held:")
    with engine.connect() as connection:
        assert connection.scalar(select(recovery_messages.c.id)) is None
