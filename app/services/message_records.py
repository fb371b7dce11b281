"""The record of reminders as people read it: each message with its times and events, and
counts by channel, template and the consumer's local hour (for the analytics)."""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from app.db.recovery_tables import recovery_consumers, recovery_messages
from app.db.recovery_tables_messaging import message_events
from app.recovery.zones import consumer_zones

EVENT_TYPES = ("delivered", "read", "clicked", "failed", "opted_out")


@dataclass(frozen=True)
class MessageEventView:
    type: str
    at: datetime


@dataclass(frozen=True)
class MessageView:
    id: int
    case_id: str
    consumer_id: str
    template: str
    channel: str
    sent_at: datetime  # UTC
    local_at: str  # the consumer's local time then, ISO 8601 with its offset
    zone: str
    accepted: bool
    error: str | None
    provider_id: str | None
    reminder_id: str | None
    events: tuple[MessageEventView, ...] = ()


@dataclass(frozen=True)
class MessageCount:
    channel: str
    template: str
    hour: int  # the consumer's local hour when it was sent
    sent: int
    accepted: int
    events: dict[str, int] = field(default_factory=dict)


def list_messages(engine: Engine, case_id: str | None = None) -> list[MessageView]:
    """Messages oldest first (one case's, or all), each with the events heard about it."""
    query = select(recovery_messages).order_by(recovery_messages.c.at, recovery_messages.c.id)
    if case_id is not None:
        query = query.where(recovery_messages.c.case_id == case_id)
    with engine.connect() as connection:
        rows = _without_engine_copies(connection.execute(query).all())
        ids = [r.id for r in rows]
        events: dict[int, list[MessageEventView]] = defaultdict(list)
        if ids:
            for event in connection.execute(
                select(message_events)
                .where(message_events.c.message_id.in_(ids))
                .order_by(message_events.c.at, message_events.c.id)
            ).all():
                events[event.message_id].append(MessageEventView(event.type, event.at))
        consumers = {
            r.id: r
            for r in connection.execute(
                select(recovery_consumers).where(
                    recovery_consumers.c.id.in_({r.consumer_id for r in rows})
                )
            ).all()
        }
    return [_view(row, consumers.get(row.consumer_id), events[row.id]) for row in rows]


def _without_engine_copies(rows: Sequence[Any]) -> list[Any]:
    """Until `recovery run` leaves the rows to the messenger, the engine writes its own copy of
    each reminder (no reminder id, same case and instant): shown once, the messenger's."""
    recorded = {(r.case_id, r.at) for r in rows if r.reminder_id is not None}
    return [r for r in rows if r.reminder_id is not None or (r.case_id, r.at) not in recorded]


def _view(row: Any, consumer: Any, events: list[MessageEventView]) -> MessageView:
    """A database row as a frozen view (row and consumer are SQLAlchemy rows)."""
    local_at, zone = row.local_at, row.zone
    if not local_at:  # written before the messaging area, or by the engine alone
        zones = consumer_zones(
            getattr(consumer, "timezone", ""),
            getattr(consumer, "phone", ""),
            getattr(consumer, "country", ""),
            getattr(consumer, "subdivision", ""),
        )
        zone = zones[0].key
        local_at = row.at.astimezone(zones[0]).isoformat(timespec="seconds")
    return MessageView(
        id=row.id,
        case_id=row.case_id,
        consumer_id=row.consumer_id,
        template=row.template,
        channel=row.channel,
        sent_at=row.at,
        local_at=local_at,
        zone=zone,
        accepted=row.accepted,
        error=row.error,
        provider_id=row.provider_id,
        reminder_id=row.reminder_id,
        events=tuple(events),
    )


def message_counts(engine: Engine) -> list[MessageCount]:
    """Messages and their events counted by channel, template and local hour."""
    sent: Counter[tuple[str, str, int]] = Counter()
    accepted: Counter[tuple[str, str, int]] = Counter()
    heard: dict[tuple[str, str, int], Counter[str]] = defaultdict(Counter)
    for message in list_messages(engine):
        key = (message.channel, message.template, datetime.fromisoformat(message.local_at).hour)
        sent[key] += 1
        accepted[key] += int(message.accepted)
        for kind in {e.type for e in message.events}:  # a message read twice was read
            heard[key][kind] += 1
    return [
        MessageCount(
            channel,
            template,
            hour,
            sent[(channel, template, hour)],
            accepted[(channel, template, hour)],
            {t: heard[(channel, template, hour)][t] for t in EVENT_TYPES},
        )
        for channel, template, hour in sorted(sent)
    ]


def totals_by(counts: list[MessageCount], dimension: str) -> dict[str, dict[str, int]]:
    """Counts summed over one dimension: 'channel', 'template' or 'hour'."""
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for count in counts:
        key = str(getattr(count, dimension))
        if dimension == "hour":
            key = f"{count.hour:02d}"
        totals[key]["sent"] += count.sent
        totals[key]["accepted"] += count.accepted
        for kind, number in count.events.items():
            totals[key][kind] += number
    return {k: dict(v) for k, v in sorted(totals.items())}
