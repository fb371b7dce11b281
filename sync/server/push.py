"""Storing a counter's push: each record on its own savepoint, answered one by one.

New payments, most of any push, are first stored together (ingest_payment_batch: a few
statements for the batch instead of a dozen round trips per payment); what that fast path does
not take goes record by record as below.

A record that breaks a rule is rolled back to its savepoint and answered REJECTED; the rest of
the batch goes on. Changes for the feed are collected and published last (see feed.py) so the
feed lock is held only for the commit. A deadlock between two pushes locking the same bills
replays the whole batch, which is safe because every step is idempotent.
"""

import hashlib
import json
import logging
from datetime import UTC, datetime

from psycopg import errors as pg_errors
from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from app.domain.settings import Settings
from sync.protocol import PUSHED_ENTITIES, Outcome, PushRecord, PushRequest, PushResult
from sync.server.auth import TerminalIdentity
from sync.server.feed import NewChange, publish
from sync.server.flags import raise_flag
from sync.server.incoming import server_settings
from sync.server.ingest import Incoming, project
from sync.server.ingest_payment_batch import store_new_payments
from sync.server.limits import oversized_payload
from sync.server.records import AlreadyStored, Rejected
from sync.server.tables import received_records, terminals

log = logging.getLogger(__name__)
ATTEMPTS = 4
SKEW_LIMIT_S = 2**31 - 1
UNCHECKED = "the server could not check it (logged for the server's administrator)"


def store_push(
    engine: Engine, terminal: TerminalIdentity, request: PushRequest, now: datetime
) -> list[PushResult]:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _store_once(engine, terminal, request, now)
        except OperationalError as error:
            retry = isinstance(
                error.orig, pg_errors.DeadlockDetected | pg_errors.SerializationFailure
            )
            if not retry or attempt == ATTEMPTS:
                raise
            log.info("push from %s replayed after %s", terminal.code, type(error.orig).__name__)
    raise AssertionError("unreachable")


def _store_once(
    engine: Engine, terminal: TerminalIdentity, request: PushRequest, now: datetime
) -> list[PushResult]:
    results: list[PushResult] = []
    feed: list[NewChange] = []
    with engine.begin() as conn:
        settings = server_settings(conn)  # once: nothing in a push changes them
        stored = store_new_payments(conn, terminal, request.records, now, settings)
        for record in request.records:
            if record.id in stored:
                result, changes = stored[record.id]
            else:
                result, changes = _store_record(conn, terminal, record, now, settings)
            results.append(result)
            feed.extend(changes)
        skew = clock_skew_s(request.client_time, now)
        conn.execute(
            update(terminals)
            .where(terminals.c.id == terminal.id)
            .values(last_seen_at=now, clock_skew_s=skew)
        )
        publish(conn, feed, now)
    return results


def clock_skew_s(client_time: datetime, now: datetime) -> int:
    """Counter clock minus server clock; a clock without a zone is taken as UTC. Clamped to
    about 68 years either way, which is "wrong" for every purpose and still fits the column."""
    if client_time.tzinfo is None:
        client_time = client_time.replace(tzinfo=UTC)
    seconds = round((client_time - now).total_seconds())
    return max(-SKEW_LIMIT_S, min(SKEW_LIMIT_S, seconds))


def _store_record(
    conn: Connection,
    terminal: TerminalIdentity,
    record: PushRecord,
    now: datetime,
    settings: Settings,
) -> tuple[PushResult, list[NewChange]]:
    savepoint = conn.begin_nested()
    try:
        if record.entity not in PUSHED_ENTITIES:
            raise Rejected(f"unknown entity {record.entity!r}")
        if reason := oversized_payload(record.payload):
            raise Rejected(reason)
        if not _remember(conn, terminal, record, now):
            savepoint.commit()
            return _repeat(conn, terminal, record, now)
        projected = project(Incoming(conn, terminal, record, now, known_settings=settings))
        savepoint.commit()
        result = PushResult(id=record.id, outcome=Outcome.STORED, flags=projected.flags)
        return result, projected.changes
    except Rejected as rejected:
        savepoint.rollback()
        return PushResult(id=record.id, outcome=Outcome.REJECTED, reason=rejected.reason), []
    except (IntegrityError, DataError) as error:
        savepoint.rollback()
        reason = f"the server could not store it: {str(error.orig).splitlines()[0]}"
        return PushResult(id=record.id, outcome=Outcome.REJECTED, reason=reason), []
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        # A record the checks did not foresee is a server bug: it is parked with the reason
        # and logged, never a 500 that would stop this counter's whole outbox behind it.
        savepoint.rollback()
        log.exception("%s %s from %s could not be checked", record.entity, record.id, terminal.code)
        reason = f"{UNCHECKED}: {type(error).__name__} {error}"[:500]
        return PushResult(id=record.id, outcome=Outcome.REJECTED, reason=reason), []
    except AlreadyStored as already:
        savepoint.rollback()
        if already.same:
            return PushResult(id=record.id, outcome=Outcome.DUPLICATE_SAME), []
        return _different(conn, terminal, record, now, "its subject was stored with other content")


def _remember(
    conn: Connection, terminal: TerminalIdentity, record: PushRecord, now: datetime
) -> bool:
    """Keep the record verbatim; False when its id was already here."""
    inserted = conn.execute(
        insert(received_records)
        .values(
            id=record.id,
            terminal_id=terminal.id,
            entity=record.entity,
            entity_id=record.entity_id,
            payload=record.payload,
            client_created_at=record.created_at,
            received_at=now,
        )
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(received_records.c.id)
    )
    return inserted.first() is not None


def _repeat(
    conn: Connection,
    terminal: TerminalIdentity,
    record: PushRecord,
    now: datetime,
) -> tuple[PushResult, list[NewChange]]:
    stored = conn.execute(select(received_records).where(received_records.c.id == record.id)).one()
    same = (
        stored.terminal_id == terminal.id
        and stored.entity == record.entity
        and stored.entity_id == record.entity_id
        and stored.payload == record.payload
    )
    if same:
        return PushResult(id=record.id, outcome=Outcome.DUPLICATE_SAME), []
    return _different(conn, terminal, record, now, "the record id was stored with other content")


def _different(
    conn: Connection,
    terminal: TerminalIdentity,
    record: PushRecord,
    now: datetime,
    why: str,
) -> tuple[PushResult, list[NewChange]]:
    """Keep the first version; flag the clash for a supervisor."""
    detail = {
        "record_id": str(record.id),
        "entity": record.entity,
        "entity_id": str(record.entity_id),
        "terminal_code": terminal.code,
        "reason": why,
        # A digest, not the payload: the flag stays small and never fails to store.
        "received_sha256": hashlib.sha256(
            json.dumps(record.payload, sort_keys=True, default=str).encode()
        ).hexdigest(),
    }
    change = raise_flag(conn, "duplicate_different", f"record:{record.id}", detail, now)
    result = PushResult(
        id=record.id,
        outcome=Outcome.DUPLICATE_DIFFERENT,
        reason=why,
        flags=["duplicate_different"],
    )
    return result, [change]
