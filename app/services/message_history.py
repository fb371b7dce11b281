"""What the records say about a consumer's reminders: recent ones (for the caps), each
reminder's sendings (for the fallback) and each channel's read history (for the choice)."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, case, exists, func, select

from app.db.recovery_tables import recovery_cases, recovery_messages
from app.db.recovery_tables_messaging import message_events
from app.recovery.orchestration import ChannelHistory, Outcome, Sending

CAP_HISTORY = timedelta(days=8)  # older reminders no longer touch this week's caps
READ_TYPES = ("read", "clicked")
REACHED_TYPES = ("delivered", "read", "clicked")
SENDING = "sending: no answer from the provider yet"  # the error of a row claimed, not answered


def recent_reminders(connection: Connection, consumer_id: str, at: datetime) -> dict[str, datetime]:
    """The consumer's reminders of the last days: reminder id -> when it was first sent.

    A reminder re-sent on another channel after a failure is still one reminder. Rows without
    a reminder id (written by the engine itself) count once per case and instant.
    """
    rows = connection.execute(
        select(
            recovery_messages.c.reminder_id,
            recovery_messages.c.case_id,
            recovery_messages.c.at,
        ).where(
            recovery_messages.c.consumer_id == consumer_id,
            recovery_messages.c.at >= at - CAP_HISTORY,
        )
    ).all()
    reminders: dict[str, datetime] = {}
    instants = set()
    for row in sorted(rows, key=lambda r: r.reminder_id is None):
        if row.reminder_id is None:
            if (row.case_id, row.at) in instants:
                continue  # the engine's copy of a reminder this messenger recorded
            key = f"{row.case_id}@{row.at.isoformat()}"
        else:
            key = row.reminder_id
            instants.add((row.case_id, row.at))
        reminders[key] = min(reminders.get(key, row.at), row.at)
    return reminders


def sendings(connection: Connection, reminder_id: str) -> list[Sending]:
    """Each channel's try at one reminder, oldest first, with what became of it."""
    failed = exists().where(
        message_events.c.message_id == recovery_messages.c.id, message_events.c.type == "failed"
    )
    reached = exists().where(
        message_events.c.message_id == recovery_messages.c.id,
        message_events.c.type.in_(REACHED_TYPES),
    )
    rows = connection.execute(
        select(
            recovery_messages.c.channel,
            recovery_messages.c.accepted,
            recovery_messages.c.error,
            failed.label("failed"),
            reached.label("reached"),
        )
        .where(recovery_messages.c.reminder_id == reminder_id)
        .order_by(recovery_messages.c.id)
    ).all()
    result = []
    for row in rows:
        if not row.accepted and row.error == SENDING:
            outcome = Outcome.PENDING  # perhaps sent before a crash: never doubled
        elif not row.accepted or (row.failed and not row.reached):
            outcome = Outcome.FAILED
        elif row.reached:
            outcome = Outcome.DELIVERED
        else:
            outcome = Outcome.PENDING
        result.append(Sending(row.channel, outcome))
    return result


def channel_histories(
    connection: Connection, consumer_id: str, segment: str
) -> tuple[dict[str, ChannelHistory], dict[str, ChannelHistory]]:
    """Read (or paid) counts per channel: the consumer's own, and their segment's."""
    was_read = exists().where(
        message_events.c.message_id == recovery_messages.c.id,
        message_events.c.type.in_(READ_TYPES),
    )
    success = case((was_read, 1), (recovery_cases.c.status == "paid", 1), else_=0)
    query = (
        select(
            recovery_messages.c.channel,
            func.count().label("sent"),
            func.coalesce(func.sum(success), 0).label("read"),
        )
        .join(recovery_cases, recovery_cases.c.id == recovery_messages.c.case_id)
        .where(recovery_messages.c.accepted.is_(True))
        .group_by(recovery_messages.c.channel)
    )
    own = connection.execute(query.where(recovery_messages.c.consumer_id == consumer_id)).all()
    crowd = connection.execute(
        query.where(
            and_(
                recovery_cases.c.segment == segment,
                recovery_messages.c.consumer_id != consumer_id,
            )
        )
    ).all()

    def histories(rows: Sequence[Any]) -> dict[str, ChannelHistory]:
        return {r.channel: ChannelHistory(int(r.sent), int(r.read)) for r in rows}

    return histories(own), histories(crowd)
