"""The messenger of `recovery run` on a real SQLite recovery database: one channel per
reminder, the consumer's hours, opt-outs and contact points, the record of what went out."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from app.db.recovery_tables import recovery_cases, recovery_consumers, recovery_messages
from app.db.recovery_tables_messaging import contact_points
from app.recovery.channels import ChannelName, DeliveryEvent, EventType
from app.services.message_consents import opt_out
from app.services.message_events import record_delivery_events
from app.services.messaging_settings import save_rules
from app.services.recovery_messenger import RecoveryMessenger
from tests.messaging.helpers import (
    add_case,
    add_consumer,
    everything_sent,
    fakes,
    permit,
    recovery_db,
)

KOLKATA = ZoneInfo("Asia/Kolkata")
WEDNESDAY_10 = datetime(2026, 1, 7, 10, 0, tzinfo=KOLKATA)  # no holiday in Maharashtra


def _setup(tmp_path, **consumer):
    engine = recovery_db(tmp_path)
    values = {"phone": "+919876543210", "country": "IN", "subdivision": "MH", **consumer}
    add_consumer(engine, "C1", **values)
    add_case(engine, "K1", "C1", currency="INR")
    return engine


def _messages(engine) -> list[dict]:
    with engine.connect() as connection:
        rows = connection.execute(select(recovery_messages).order_by(recovery_messages.c.id))
        return [dict(r._mapping) for r in rows]


def test_a_reminder_goes_on_one_channel_and_is_stored_with_utc_and_local_time(tmp_path) -> None:
    engine = _setup(tmp_path, timezone="")
    channels = fakes()
    result = RecoveryMessenger(engine, channels).send(
        permit("K1", "C1", WEDNESDAY_10.astimezone(UTC)), template="first_notice",
        payment_link=True,
    )  # fmt: skip
    assert result.accepted, result.error
    sent = everything_sent(channels)
    assert (
        len(sent) == 1 and sent[0].channel is ChannelName.WHATSAPP
    )  # no history: the policy's pick
    assert sent[0].to == "+919876543210"
    [row] = _messages(engine)
    assert row["at"] == datetime(2026, 1, 7, 4, 30, tzinfo=UTC)
    assert row["local_at"] == "2026-01-07T10:00:00+05:30" and row["zone"] == "Asia/Kolkata"
    assert row["provider_id"] == f"whatsapp-{sent[0].message_key}" and row["reminder_id"]
    with engine.connect() as connection:  # the zone derived from the phone is kept
        zone = connection.execute(select(recovery_consumers.c.timezone)).scalar_one()
    assert zone == "Asia/Kolkata"


def test_a_channel_that_refuses_hands_the_same_reminder_to_the_next(tmp_path) -> None:
    engine = _setup(tmp_path)
    channels = fakes(whatsapp="template not approved")
    result = RecoveryMessenger(engine, channels).send(
        permit("K1", "C1", WEDNESDAY_10), template="first_notice", payment_link=False
    )
    assert result.accepted
    assert [len(channels[c].sent) for c in ("whatsapp", "sms", "email")] == [1, 1, 0]
    rows = _messages(engine)
    assert [(r["channel"], r["accepted"]) for r in rows] == [("whatsapp", False), ("sms", True)]
    assert rows[0]["reminder_id"] == rows[1]["reminder_id"]


def test_a_whatsapp_not_delivered_goes_by_sms_once_and_the_number_is_not_used_again(
    tmp_path,
) -> None:
    engine = _setup(tmp_path)
    channels = fakes()
    messenger = RecoveryMessenger(engine, channels)
    messenger.send(permit("K1", "C1", WEDNESDAY_10), template="first_notice", payment_link=False)
    [row] = _messages(engine)
    assert messenger.send_fallbacks(WEDNESDAY_10 + timedelta(minutes=5)) == 0  # still pending
    failed = DeliveryEvent(
        channel=ChannelName.WHATSAPP,
        provider_id=row["provider_id"],
        type=EventType.FAILED,
        at=WEDNESDAY_10 + timedelta(minutes=10),
        event_id="wa-evt-1",
        detail={"reason": "131026 message undeliverable"},
    )
    assert record_delivery_events(engine, [failed]) == 1
    later = WEDNESDAY_10 + timedelta(minutes=15)
    assert messenger.send_fallbacks(later) == 1
    assert messenger.send_fallbacks(later + timedelta(minutes=1)) == 0  # never twice
    rows = _messages(engine)
    assert [r["channel"] for r in rows] == ["whatsapp", "sms"]
    assert rows[0]["reminder_id"] == rows[1]["reminder_id"]
    assert len(channels["sms"].sent) == 1 and len(channels["email"].sent) == 0


def test_a_paid_case_gets_nothing(tmp_path) -> None:
    engine = _setup(tmp_path)
    with engine.begin() as connection:
        connection.execute(update(recovery_cases).values(status="paid"))
    channels = fakes()
    result = RecoveryMessenger(engine, channels).send(
        permit("K1", "C1", WEDNESDAY_10), template="first_notice", payment_link=False
    )
    assert not result.accepted and "paid" in (result.error or "")
    assert everything_sent(channels) == [] and _messages(engine) == []


def test_an_opt_out_is_honoured_at_once_and_all_stops_everything(tmp_path) -> None:
    engine = _setup(tmp_path)
    channels = fakes()
    messenger = RecoveryMessenger(engine, channels)
    opt_out(engine, "C1", "whatsapp", WEDNESDAY_10, source="call", evidence="ticket 4411")
    messenger.send(permit("K1", "C1", WEDNESDAY_10), template="t", payment_link=False)
    assert [m.channel for m in everything_sent(channels)] == [ChannelName.SMS]
    opt_out(engine, "C1", "all", WEDNESDAY_10 + timedelta(days=1), source="letter")
    result = messenger.send(
        permit("K1", "C1", WEDNESDAY_10 + timedelta(days=1)), template="t", payment_link=False
    )
    assert not result.accepted and "no channel" in (result.error or "")
    assert len(everything_sent(channels)) == 1


def test_a_reminder_asked_for_in_quiet_hours_is_held_with_the_next_allowed_time(tmp_path) -> None:
    engine = _setup(tmp_path)
    channels = fakes()
    late = datetime(2026, 1, 7, 21, 30, tzinfo=KOLKATA)
    result = RecoveryMessenger(engine, channels).send(
        permit("K1", "C1", late), template="t", payment_link=False
    )
    assert not result.accepted
    assert "outside 08:00-21:00" in result.error and "2026-01-08T02:30:00+00:00" in result.error
    assert everything_sent(channels) == []


def test_the_settings_hours_and_enabled_channels_are_obeyed(tmp_path) -> None:
    engine = _setup(tmp_path)
    save_rules(engine, {"hours_by_place": {"IN": "11:00-18:00"}, "channels": ["email"]})
    channels = fakes()
    messenger = RecoveryMessenger(engine, channels)
    held = messenger.send(permit("K1", "C1", WEDNESDAY_10), template="t", payment_link=False)
    assert not held.accepted and "11:00-18:00" in held.error
    sent = messenger.send(
        permit("K1", "C1", WEDNESDAY_10 + timedelta(hours=1)), template="t", payment_link=False
    )
    assert sent.accepted and [m.channel for m in everything_sent(channels)] == ["email"]


def test_an_invalid_phone_is_refused_with_its_reason_and_email_is_used(tmp_path) -> None:
    engine = _setup(tmp_path, phone="+1 555 0100", country="US", subdivision="NY")
    channels = fakes()
    at = datetime(2026, 1, 7, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    assert (
        RecoveryMessenger(engine, channels)
        .send(permit("K1", "C1", at), template="t", payment_link=False)
        .accepted
    )
    assert [m.channel for m in everything_sent(channels)] == [ChannelName.EMAIL]
    with engine.connect() as connection:
        points = {
            r.channel: (r.state, r.reason) for r in connection.execute(select(contact_points))
        }
    assert points["email"] == ("valid", None)
    assert points["sms"][0] == "bad" and "not a number in use" in points["sms"][1]


def test_the_second_reminder_of_a_day_is_held_until_the_next_morning(tmp_path) -> None:
    engine = _setup(tmp_path)
    messenger = RecoveryMessenger(engine, fakes())
    assert messenger.send(
        permit("K1", "C1", WEDNESDAY_10), template="t", payment_link=False
    ).accepted
    again = messenger.send(
        permit("K1", "C1", WEDNESDAY_10 + timedelta(hours=3)), template="t", payment_link=False
    )
    assert not again.accepted and "2026-01-08T02:30:00+00:00" in again.error


def test_reminders_are_rendered_from_the_template_library_with_their_links(tmp_path) -> None:
    from app.services.recovery_message_render import template_render

    engine = _setup(tmp_path, name="Asha Rao", email="asha@example.com")
    channels = fakes()
    render = template_render(
        lambda case: f"https://pay.example.org/l/{case['id']}-token",
        lambda channel, to, key: f"https://pay.example.org/u/{key}",
    )
    messenger = RecoveryMessenger(engine, channels, render=render)
    assert messenger.send(
        permit("K1", "C1", WEDNESDAY_10, channel="email"), template="reminder", payment_link=True
    ).accepted
    [mail] = everything_sent(channels)
    assert mail.channel is ChannelName.EMAIL and mail.to == "asha@example.com"
    assert "https://pay.example.org/l/K1-token" in mail.text and mail.html and mail.subject
    assert mail.unsubscribe_url == f"https://pay.example.org/u/{mail.message_key}"


def test_a_failed_reminder_is_not_sent_again_once_the_case_is_paid(tmp_path) -> None:
    engine = _setup(tmp_path)
    channels = fakes()
    messenger = RecoveryMessenger(engine, channels)
    messenger.send(permit("K1", "C1", WEDNESDAY_10), template="t", payment_link=False)
    [row] = _messages(engine)
    record_delivery_events(
        engine,
        [
            DeliveryEvent(ChannelName.WHATSAPP, row["provider_id"], EventType.FAILED,
                          WEDNESDAY_10 + timedelta(minutes=2), "wa-failed")
        ],
    )  # fmt: skip
    with engine.begin() as connection:
        connection.execute(update(recovery_cases).values(status="paid"))
    assert messenger.send_fallbacks(WEDNESDAY_10 + timedelta(minutes=5)) == 0
    assert len(everything_sent(channels)) == 1


def test_a_reminder_cut_off_by_a_crash_mid_send_is_never_sent_again_elsewhere(tmp_path) -> None:
    engine = _setup(tmp_path)

    class Crash(BaseException):
        """The process dies while the provider has the message (it may have gone out)."""

    class DyingProvider:
        name = ChannelName.WHATSAPP

        def send(self, message):
            raise Crash

    channels = fakes()
    dying = RecoveryMessenger(engine, {**channels, "whatsapp": DyingProvider()})
    with pytest.raises(Crash):
        dying.send(permit("K1", "C1", WEDNESDAY_10), template="t", payment_link=False)
    [row] = _messages(engine)
    assert row["channel"] == "whatsapp" and row["error"].startswith("sending")
    restarted = RecoveryMessenger(engine, channels)
    assert restarted.send_fallbacks(WEDNESDAY_10 + timedelta(minutes=30)) == 0
    assert everything_sent(channels) == []
