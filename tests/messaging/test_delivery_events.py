"""Provider events: recorded once however often the webhook comes, attached to their message,
a hard bounce marks the address bad, an opt-out stops that channel for good."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.db.recovery_tables import recovery_events, recovery_messages
from app.db.recovery_tables_messaging import consents, contact_points, message_events
from app.recovery.channels import ChannelName, DeliveryEvent, EventType
from app.services.message_consents import list_opt_outs
from app.services.message_events import record_delivery_events
from app.services.recovery_messenger import RecoveryMessenger
from tests.messaging.helpers import (
    add_case,
    add_consumer,
    everything_sent,
    fakes,
    permit,
    recovery_db,
)

AT = datetime(2026, 1, 7, 15, 0, tzinfo=UTC)  # Wednesday 10:00 in New York


def _engine_with_an_email(tmp_path):
    engine = recovery_db(tmp_path)
    add_consumer(engine, "C1", country="US", subdivision="NY", email="ann@example.com")
    add_case(engine, "K1", "C1")
    channels = fakes()
    RecoveryMessenger(engine, channels).send(
        permit("K1", "C1", AT, channel="email"), template="t", payment_link=False
    )
    [message] = everything_sent(channels)
    return engine, f"email-{message.message_key}"


def _count(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def _event(provider_id: str, kind: EventType, event_id: str, **extra) -> DeliveryEvent:
    return DeliveryEvent(
        channel=ChannelName.EMAIL, provider_id=provider_id, type=kind,
        at=AT + timedelta(minutes=5), event_id=event_id, **extra,
    )  # fmt: skip


def test_the_same_events_twice_are_recorded_once(tmp_path) -> None:
    engine, provider_id = _engine_with_an_email(tmp_path)
    events = [
        _event(provider_id, EventType.DELIVERED, "e1"),
        _event(provider_id, EventType.READ, "e2"),
    ]
    assert record_delivery_events(engine, events) == 2
    assert record_delivery_events(engine, events) == 0
    assert (
        record_delivery_events(engine, [*events, _event(provider_id, EventType.CLICKED, "e3")]) == 1
    )
    assert _count(engine, message_events) == 3
    with engine.connect() as connection:
        attached = connection.execute(select(message_events.c.message_id)).scalars().all()
        timeline = connection.execute(select(recovery_events.c.type)).scalars().all()
    assert None not in attached
    assert timeline == ["delivered", "read", "clicked"]  # on the case timeline, once each


def test_a_hard_bounce_marks_the_address_bad_and_a_soft_one_does_not(tmp_path) -> None:
    engine, provider_id = _engine_with_an_email(tmp_path)
    soft = _event(provider_id, EventType.FAILED, "soft", detail={"reason": "mailbox full"})
    record_delivery_events(engine, [soft])
    with engine.connect() as connection:
        assert connection.execute(select(contact_points.c.state)).scalar_one() == "valid"
    hard = _event(
        provider_id, EventType.FAILED, "hard", permanent=True,
        detail={"reason": "550 5.1.1 user unknown"},
    )  # fmt: skip
    record_delivery_events(engine, [hard])
    with engine.connect() as connection:
        point = connection.execute(select(contact_points)).one()
    assert point.state == "bad" and "550 5.1.1 user unknown" in point.reason
    channels = fakes()  # the next reminder cannot use the bad address: no e-mail goes out
    result = RecoveryMessenger(engine, channels).send(
        permit("K1", "C1", AT + timedelta(days=1), channel="email"), template="t",
        payment_link=False,
    )  # fmt: skip
    assert not result.accepted and everything_sent(channels) == []


def test_an_unsubscribe_is_recorded_with_its_evidence_and_honoured(tmp_path) -> None:
    engine, _ = _engine_with_an_email(tmp_path)
    stop = DeliveryEvent(
        channel=ChannelName.EMAIL, provider_id="", type=EventType.OPTED_OUT,
        at=AT + timedelta(hours=1), event_id="unsub-1", contact="ann@example.com",
        detail={"method": "List-Unsubscribe-Post"},
    )  # fmt: skip
    assert record_delivery_events(engine, [stop, stop]) == 1
    [consent] = list_opt_outs(engine)
    assert (consent.consumer_id, consent.channel, consent.source) == ("C1", "email", "unsubscribe")
    assert "unsub-1" in consent.evidence and "List-Unsubscribe-Post" in consent.evidence
    assert _count(engine, consents) == 1
    channels = fakes()  # the consumer has only an e-mail address: nothing more goes out
    result = RecoveryMessenger(engine, channels).send(
        permit("K1", "C1", AT + timedelta(days=1), channel="email"),
        template="t",
        payment_link=False,
    )
    assert not result.accepted and everything_sent(channels) == []


def test_an_event_that_comes_before_its_message_is_attached_when_the_message_is_stored(
    tmp_path,
) -> None:
    engine = recovery_db(tmp_path)
    add_consumer(engine, "C1", country="US", subdivision="NY")
    add_case(engine, "K1", "C1")

    class QuickProvider:
        """Its webhook reports delivery before our send call has even returned."""

        name = ChannelName.EMAIL

        def send(self, message):
            from app.recovery.channels import SendReceipt

            record_delivery_events(engine, [_event("early-1", EventType.DELIVERED, "d1")])
            return SendReceipt(True, "early-1")

    RecoveryMessenger(engine, {"email": QuickProvider()}).send(
        permit("K1", "C1", AT, channel="email"), template="t", payment_link=False
    )
    with engine.connect() as connection:
        message_id = connection.execute(select(recovery_messages.c.id)).scalar_one()
        attached = connection.execute(select(message_events.c.message_id)).scalar_one()
    assert attached == message_id


def test_a_stop_reply_finds_the_consumer_however_the_provider_writes_the_number(tmp_path) -> None:
    engine = recovery_db(tmp_path)
    add_consumer(engine, "C9", country="IN", phone="+919876543210", email="")
    add_case(engine, "K9", "C9")
    at = datetime(2026, 1, 7, 4, 30, tzinfo=UTC)  # 10:00 in Kolkata
    channels = fakes()
    RecoveryMessenger(engine, channels).send(
        permit("K9", "C9", at, channel="sms"), template="t", payment_link=False
    )  # the contact points are taken in, the number in E.164
    stop = DeliveryEvent(
        channel=ChannelName.SMS, provider_id="", type=EventType.OPTED_OUT,
        at=at + timedelta(hours=1), event_id="twilio-in:SM9", contact="+91 98765 43210",
    )  # fmt: skip
    assert record_delivery_events(engine, [stop]) == 1
    assert [(c.consumer_id, c.channel, c.source) for c in list_opt_outs(engine)] == [
        ("C9", "sms", "sms_stop")
    ]
