"""Pushed shifts, audit events, settings changes and flag resolutions."""

import uuid

from sqlalchemy.dialects.postgresql import insert

from app.domain.number_series import check_in_series
from app.domain.record_rules import check_flag_resolution, check_shift
from app.domain.shifts import SHIFT_NUMBER_FORMAT
from sync.server.flags import resolve_flag
from sync.server.incoming import Incoming, Projected, obey, same_subject
from sync.server.records import FlagResolutionIn, Rejected, parse
from sync.server.tables import audit_events, shifts


def store_shift(incoming: Incoming) -> Projected:
    """A shift is sent when opened and again when closed: the newest state wins."""
    conn, record = incoming.connection, incoming.record
    obey(check_shift, record.payload, currency=incoming.settings().currency, now=incoming.now)
    same_subject(incoming, uuid.UUID(record.payload["id"]))
    if record.payload["terminal_id"] != str(incoming.terminal.id):
        raise Rejected("the shift belongs to another terminal")
    obey(
        check_in_series,
        "shift number",
        record.payload["number"],
        SHIFT_NUMBER_FORMAT.pattern,
        incoming.terminal.code,
    )
    conn.execute(
        insert(shifts)
        .values(
            id=record.entity_id,
            terminal_id=incoming.terminal.id,
            data=record.payload,
            updated_at=incoming.now,
        )
        .on_conflict_do_update(
            index_elements=["id"],
            set_={"data": record.payload, "updated_at": incoming.now},
            where=shifts.c.terminal_id == incoming.terminal.id,
        )
    )
    return Projected()


def store_audit(incoming: Incoming) -> Projected:
    conn, record = incoming.connection, incoming.record
    conn.execute(
        insert(audit_events)
        .values(
            id=record.entity_id,
            terminal_id=incoming.terminal.id,
            data=record.payload,
            received_at=incoming.now,
        )
        .on_conflict_do_nothing(index_elements=["id"])
    )
    return Projected()


def store_flag_resolution(incoming: Incoming) -> Projected:
    """Close the flag and publish it resolved; a flag already resolved (by this or another
    counter) keeps its first resolution and nothing is published again."""
    resolution = parse(FlagResolutionIn, incoming.payload)
    same_subject(incoming, resolution.flag_id)
    obey(check_flag_resolution, incoming.payload, now=incoming.now)
    how = {
        **resolution.model_dump(mode="json"),
        "terminal_code": incoming.terminal.code,
    }
    change = resolve_flag(incoming.connection, resolution.flag_id, how, incoming.now)
    return Projected(changes=[change] if change else [])


def keep_only(incoming: Incoming) -> Projected:
    """Settings changes made on a counter: kept for the audit; the server's settings win."""
    return Projected()
