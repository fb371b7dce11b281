"""What the providers' webhooks tell us about reminders, recorded once and acted on.

`record_delivery_events` is idempotent by the provider's event id: a webhook retried, or the
same event from two sources, is recorded once. An event attaches to its message by the
provider's message id (an event that arrives before its message is stored waits unattached and
is picked up when the message is stored). A hard failure marks the contact point bad; an
opt-out is recorded for that consumer and channel at once.
"""

import json
import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.db.recovery_tables import recovery_events, recovery_messages
from app.db.recovery_tables_messaging import message_events
from app.recovery.channels import ChannelName, DeliveryEvent, EventType
from app.recovery.contacts import InvalidContact, checked_address
from app.services.message_consents import (
    OPTED_IN,
    OPTED_OUT,
    consumers_at,
    mark_bad,
    record_consent,
)

log = logging.getLogger(__name__)

OPT_OUT_SOURCES = {"sms": "sms_stop", "whatsapp": "whatsapp_block", "email": "unsubscribe"}
# The case timeline's names for what happened to a reminder.
TIMELINE_TYPES = {
    EventType.DELIVERED: "delivered",
    EventType.READ: "read",
    EventType.CLICKED: "clicked",
    EventType.FAILED: "failed_delivery",
    EventType.OPTED_OUT: "opted_out",
    EventType.OPTED_IN: "opted_in",
}


def record_delivery_events(engine: Engine, events: Sequence[DeliveryEvent]) -> int:
    """Record the events not seen before; returns how many were new."""
    new = 0
    for event in events:
        try:
            with engine.begin() as connection:
                if _seen(connection, event.event_id):
                    continue
                _record(connection, event)
                new += 1
        except IntegrityError:  # the same event recorded by a concurrent webhook just now
            log.info("event %s was recorded concurrently", event.event_id)
    return new


def _seen(connection: Connection, event_id: str) -> bool:
    found = connection.execute(
        select(message_events.c.id).where(message_events.c.provider_event_id == event_id)
    ).first()
    return found is not None


def _record(connection: Connection, event: DeliveryEvent) -> None:
    message = _message(connection, event)
    connection.execute(
        insert(message_events).values(
            message_id=message["id"] if message else None,
            provider_id=event.provider_id or "",
            channel=event.channel.value,
            type=event.type.value,
            at=event.at,
            provider_event_id=event.event_id,
            detail={"permanent": event.permanent, "contact": event.contact, **event.detail},
        )
    )
    _apply(connection, event, message)


def _apply(connection: Connection, event: DeliveryEvent, message: dict[str, Any] | None) -> None:
    """What an event changes: contact points, consents, the case timeline."""
    consumers = [message["consumer_id"]] if message else []
    if not consumers and event.contact:
        for address in _normal(event.channel.value, event.contact):
            consumers += consumers_at(connection, event.channel.value, address)
        consumers = sorted(set(consumers))
    if event.type is EventType.FAILED and event.permanent:
        reason = event.detail.get("reason") or event.detail.get("error") or "hard failure"
        why = f"{event.channel.value} provider: {reason}"
        contacts = _normal(event.channel.value, event.contact)
        for consumer_id in consumers:
            marked = mark_bad(connection, consumer_id, event.channel.value, why, event.at, contacts)
            if not marked and contacts and message is not None:
                # The provider wrote the address its own way: the message went to the
                # consumer's address on this channel, whichever spelling.
                mark_bad(connection, consumer_id, event.channel.value, why, event.at)
    if event.type in (EventType.OPTED_OUT, EventType.OPTED_IN):
        state = OPTED_OUT if event.type is EventType.OPTED_OUT else OPTED_IN
        source = event.detail.get("source") or OPT_OUT_SOURCES[event.channel.value]
        if state == OPTED_IN:
            source = event.detail.get("source") or f"{event.channel.value}_start"
        evidence = json.dumps(
            {"event_id": event.event_id, "provider_id": event.provider_id, **event.detail},
            sort_keys=True,
        )
        for consumer_id in consumers:
            record_consent(
                connection,
                consumer_id,
                event.channel.value,
                state,
                event.at,
                source=source,
                evidence=evidence,
            )
    if message is not None and event.type in TIMELINE_TYPES:
        connection.execute(
            insert(recovery_events).values(
                case_id=message["case_id"],
                at=event.at,
                type=TIMELINE_TYPES[event.type],
                channel=event.channel.value,
                amount_minor=0,
                detail={"message_id": message["id"], "event_id": event.event_id},
            )
        )


def _normal(channel: str, contact: str) -> list[str]:
    """The address as the provider wrote it, and as we store it (E.164, lower-case domain)."""
    if not contact:
        return []
    try:
        stored = checked_address(channel, contact.removeprefix("whatsapp:"))
    except InvalidContact:
        return [contact]
    return sorted({contact, stored})


def _message(connection: Connection, event: DeliveryEvent) -> dict[str, Any] | None:
    if not event.provider_id:
        return None
    row = connection.execute(
        select(recovery_messages)
        .where(
            recovery_messages.c.provider_id == event.provider_id,
            recovery_messages.c.channel == event.channel.value,
        )
        .order_by(recovery_messages.c.id.desc())
    ).first()
    return dict(row._mapping) if row else None


def attach_waiting_events(connection: Connection, message: dict[str, Any]) -> int:
    """Events that arrived before their message was stored: attached and applied now."""
    waiting = connection.execute(
        select(message_events).where(
            message_events.c.provider_id == message["provider_id"],
            message_events.c.channel == message["channel"],
            message_events.c.message_id.is_(None),
        )
    ).all()
    for row in waiting:
        connection.execute(
            update(message_events)
            .where(message_events.c.id == row.id)
            .values(message_id=message["id"])
        )
        detail = dict(row.detail or {})
        event = DeliveryEvent(
            channel=ChannelName(row.channel),
            provider_id=row.provider_id,
            type=EventType(row.type),
            at=row.at,
            event_id=row.provider_event_id,
            permanent=bool(detail.pop("permanent", False)),
            contact=str(detail.pop("contact", "")),
            detail={k: str(v) for k, v in detail.items()},
        )
        _apply(connection, event, message)
    return len(waiting)
