"""Contact points and consents: where a consumer may be reached, and where they said stop.

An opt-out is recorded with its source, time and evidence and honoured from that instant for
good; only the consumer's own opt-in on that channel (SMS START) lifts it. A contact point that
bounced or is not a number in use is marked bad with the reason and not used again.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, insert, select, update

from app.db.recovery_tables import recovery_consumers
from app.db.recovery_tables_messaging import consents, contact_points
from app.domain.errors import NotFound, UserFacingError
from app.recovery.channels import ChannelName
from app.recovery.contacts import InvalidContact, checked_address

CHANNELS = tuple(c.value for c in ChannelName)
OPTED_OUT, OPTED_IN = "opted_out", "opted_in"
PHONE_CHANNELS = (ChannelName.SMS.value, ChannelName.WHATSAPP.value)


@dataclass(frozen=True)
class Consent:
    consumer_id: str
    channel: str
    state: str
    at: datetime
    source: str
    evidence: str


def record_consent(
    connection: Connection,
    consumer_id: str,
    channel: str,
    state: str,
    at: datetime,
    *,
    source: str,
    evidence: str = "",
) -> None:
    connection.execute(
        insert(consents).values(
            consumer_id=consumer_id,
            channel=channel,
            state=state,
            at=at,
            source=source,
            evidence=evidence,
        )
    )


def opted_out_channels(connection: Connection, consumer_id: str) -> set[str]:
    """The channels whose latest consent row for this consumer is an opt-out."""
    rows = connection.execute(
        select(consents.c.channel, consents.c.state)
        .where(consents.c.consumer_id == consumer_id)
        .order_by(consents.c.at, consents.c.id)
    ).all()
    latest = {row.channel: row.state for row in rows}
    return {channel for channel, state in latest.items() if state == OPTED_OUT}


def opt_out(
    engine: Engine,
    consumer_id: str,
    channel: str,
    at: datetime,
    *,
    source: str = "cli",
    evidence: str = "",
) -> list[str]:
    """Record an opt-out (channel 'all': every channel); returns the channels opted out."""
    channels = CHANNELS if channel == "all" else (channel,)
    if channel != "all" and channel not in CHANNELS:
        raise UserFacingError(f"'{channel}' is not a channel: sms, email, whatsapp or all.")
    if not source.strip():
        raise UserFacingError("Say where the opt-out came from (--source).")
    with engine.begin() as connection:
        found = connection.execute(
            select(recovery_consumers.c.id).where(recovery_consumers.c.id == consumer_id)
        ).first()
        if found is None:
            raise NotFound(f"No consumer {consumer_id} in the recovery database.")
        for name in channels:
            record_consent(
                connection, consumer_id, name, OPTED_OUT, at, source=source, evidence=evidence
            )
    return list(channels)


def list_opt_outs(engine: Engine) -> list[Consent]:
    """Every consumer-channel whose current state is opted out, with its recorded consent."""
    latest = (
        select(consents.c.consumer_id, consents.c.channel, func.max(consents.c.id).label("last"))
        .group_by(consents.c.consumer_id, consents.c.channel)
        .subquery()
    )
    with engine.connect() as connection:
        rows = connection.execute(
            select(consents)
            .join(latest, consents.c.id == latest.c.last)
            .where(consents.c.state == OPTED_OUT)
            .order_by(consents.c.consumer_id, consents.c.channel)
        ).all()
    return [Consent(r.consumer_id, r.channel, r.state, r.at, r.source, r.evidence) for r in rows]


def add_contact_point(
    connection: Connection,
    consumer_id: str,
    channel: str,
    address: str,
    at: datetime,
    *,
    country: str = "",
    verified: bool = False,
) -> str:
    """Check and store a contact point; an invalid one is refused (InvalidContact) unstored."""
    normal = checked_address(channel, address, country)
    exists = connection.execute(
        select(contact_points.c.id).where(
            contact_points.c.consumer_id == consumer_id,
            contact_points.c.channel == channel,
            contact_points.c.address == normal,
        )
    ).first()
    if exists is None:
        connection.execute(
            insert(contact_points).values(
                consumer_id=consumer_id,
                channel=channel,
                address=normal,
                state="valid",
                verified=verified,
                updated_at=at,
            )
        )
    return normal


def ensure_contact_points(
    connection: Connection, consumer: dict[str, Any], at: datetime
) -> dict[str, str]:
    """The consumer's usable address per channel. The consumer's e-mail and phone become
    contact points the first time; one that fails the check is stored as bad, with the reason
    (so it is refused once, visibly, and not re-checked at every reminder)."""
    known = connection.execute(
        select(contact_points).where(contact_points.c.consumer_id == consumer["id"])
    ).all()
    seen = {(r.channel, r.address) for r in known}
    wanted = [(ChannelName.EMAIL.value, consumer.get("email") or "")]
    wanted += [(c, consumer.get("phone") or "") for c in PHONE_CHANNELS]
    added = False
    for channel, raw in wanted:
        if not raw.strip() or (channel, raw) in seen:
            continue
        try:
            normal = checked_address(channel, raw, consumer.get("country", ""))
        except InvalidContact as error:
            _store_bad(connection, consumer["id"], channel, raw, error.message, at)
            added = True
            continue
        if (channel, normal) not in seen:
            add_contact_point(connection, consumer["id"], channel, normal, at)
            added = True
    if added:
        known = connection.execute(
            select(contact_points).where(contact_points.c.consumer_id == consumer["id"])
        ).all()
    good: dict[str, str] = {}
    for row in sorted(known, key=lambda r: (not r.verified, -r.id)):
        if row.state == "valid":
            good.setdefault(row.channel, row.address)
    return good


def _store_bad(
    connection: Connection, consumer_id: str, channel: str, raw: str, why: str, at: datetime
) -> None:
    connection.execute(
        insert(contact_points).values(
            consumer_id=consumer_id,
            channel=channel,
            address=raw[:254],
            state="bad",
            reason=why,
            verified=False,
            updated_at=at,
        )
    )


def mark_bad(
    connection: Connection,
    consumer_id: str,
    channel: str,
    reason: str,
    at: datetime,
    addresses: Iterable[str] = (),
) -> int:
    """Mark the consumer's points on `channel` bad (only `addresses` when given)."""
    where = [contact_points.c.consumer_id == consumer_id, contact_points.c.channel == channel]
    wanted = [a for a in addresses if a]
    if wanted:
        where.append(contact_points.c.address.in_(wanted))
    result = connection.execute(
        update(contact_points)
        .where(and_(*where), contact_points.c.state == "valid")
        .values(state="bad", reason=reason, updated_at=at)
    )
    return result.rowcount or 0


def consumers_at(connection: Connection, channel: str, address: str) -> list[str]:
    """Who has this address on this channel (an opt-out may come without a message id)."""
    rows = connection.execute(
        select(contact_points.c.consumer_id).where(
            contact_points.c.channel == channel, contact_points.c.address == address
        )
    ).all()
    return sorted({r.consumer_id for r in rows})


@dataclass(frozen=True)
class ContactPoint:
    consumer_id: str
    channel: str
    address: str
    state: str
    reason: str | None
    verified: bool


def add_contact(
    engine: Engine,
    consumer_id: str,
    channel: str,
    address: str,
    at: datetime,
    *,
    verified: bool = False,
) -> str:
    """Intake of a contact point: checked first (InvalidContact with the reason, nothing
    stored), then kept in E.164 or lower-case domain form; returns what was stored."""
    with engine.begin() as connection:
        consumer = connection.execute(
            select(recovery_consumers).where(recovery_consumers.c.id == consumer_id)
        ).first()
        if consumer is None:
            raise NotFound(f"No consumer {consumer_id} in the recovery database.")
        return add_contact_point(
            connection, consumer_id, channel, address, at,
            country=consumer.country, verified=verified,
        )  # fmt: skip


def list_contact_points(engine: Engine, consumer_id: str | None = None) -> list[ContactPoint]:
    query = select(contact_points).order_by(
        contact_points.c.consumer_id, contact_points.c.channel, contact_points.c.id
    )
    if consumer_id is not None:
        query = query.where(contact_points.c.consumer_id == consumer_id)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        ContactPoint(r.consumer_id, r.channel, r.address, r.state, r.reason, r.verified)
        for r in rows
    ]
