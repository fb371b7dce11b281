"""Push the counter's audit log to the server, after the outbox, by its own cursor.

Audit events are not outbox rows (every change writes one; doubling the outbox for them would
double the pending counts people watch). The log is append-only and ordered by seq, so a cursor
is enough: a batch is sent, and the cursor moves past it only once the server has answered for
every event in it. The server stores each event once by id, so a batch sent twice (a lost answer,
a new epoch) changes nothing.
"""

import json
import logging

from app.db.database import Database
from app.db.tables import AuditEvent
from sync.client import state
from sync.client.http import ServerClient
from sync.protocol import MAX_PUSH_BATCH, Outcome, PushRecord, PushRequest

log = logging.getLogger(__name__)


def push_audit(db: Database, client: ServerClient, *, batch_size: int = MAX_PUSH_BATCH) -> int:
    """Send every audit event after the cursor; returns how many the server now holds."""
    sent = 0
    while True:
        cursor, records, last_seq = _batch(db, min(batch_size, MAX_PUSH_BATCH))
        if not records:
            return sent
        request = PushRequest(
            epoch=state.connection(db).epoch, client_time=db.clock(), records=records
        )
        response = client.push(request)  # ServerUnavailable: the cursor stays, try later
        answered = {r.id: r for r in response.results}
        if set(answered) != {r.id for r in records}:
            log.warning(
                "the server answered for %d of %d audit events", len(answered), len(records)
            )
            return sent
        for result in answered.values():
            if result.outcome is Outcome.REJECTED:  # kept locally, hash-chained; say so, go on
                log.warning("server refused audit event %s: %s", result.id, result.reason)
        _advance(db, cursor, last_seq)
        sent += len(records)


def _batch(db: Database, limit: int) -> tuple[int, list[PushRecord], int]:
    with db.unit_of_work() as uow:
        cursor = state.state_row(uow).audit_cursor
        rows = uow.sync_audit_log.after(cursor, limit)
        records = [_record(row) for row in rows]
        return cursor, records, rows[-1].seq if rows else cursor


def _record(row: AuditEvent) -> PushRecord:
    return PushRecord(
        id=row.id,
        entity="audit",
        entity_id=row.id,
        created_at=row.occurred_at,
        payload={
            "seq": row.seq,
            "occurred_at": row.occurred_at.isoformat(),
            "user_id": str(row.user_id) if row.user_id else None,
            "terminal_id": str(row.terminal_id) if row.terminal_id else None,
            "action": row.action,
            "entity": row.entity,
            "entity_id": row.entity_id,
            "before": json.loads(row.before_json) if row.before_json else None,
            "after": json.loads(row.after_json) if row.after_json else None,
            "prev_hash": row.prev_hash,
            "hash": row.hash,
        },
    )


def _advance(db: Database, expected: int, to_seq: int) -> None:
    with db.unit_of_work() as uow:
        row = state.state_row(uow)
        if row.audit_cursor == expected:  # a new epoch meanwhile reset it: keep the reset
            row.audit_cursor = to_seq
            uow.commit()
