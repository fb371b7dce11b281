"""The counter's sync bookkeeping in SQLite: the sync_state row and the outbox states.

Every function is one short transaction; none holds the write lock across network I/O.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.db.database import Database
from app.db.tables import OutboxRecord, SyncState
from app.db.unit_of_work import UnitOfWork
from sync.client import courtesy
from sync.client.errors import NotRegistered
from sync.protocol import Outcome, PushRecord, PushResult


@dataclass(frozen=True)
class Connection:
    """Where and who: enough to build a ServerClient (the token comes from the keyring)."""

    server_url: str
    terminal_code: str
    ca_file: str | None
    epoch: str | None
    cursor: int


def state_row(uow: UnitOfWork) -> SyncState:
    """The single row, created on first use."""
    return uow.sync_link.row()


def connection(db: Database) -> Connection:
    with db.read() as uow:
        row = uow.sync_link.find()
        if row is None or not row.server_url or not row.terminal_code:
            raise NotRegistered(
                "This counter is not registered with a server yet: run "
                "'tilldesk terminal register --server URL --code CODE'."
            )
        return Connection(row.server_url, row.terminal_code, row.ca_file, row.epoch, row.cursor)


def save_registration(
    db: Database, *, server_url: str, terminal_code: str, ca_file: str | None, epoch: str
) -> None:
    """A new registration starts the feed from the beginning."""
    with db.unit_of_work() as uow:
        row = state_row(uow)
        changed_server = row.server_url != server_url or row.epoch != epoch
        if row.server_url is not None and row.server_url != server_url:
            resend_everything_sent(uow)  # a new server has none of it yet
        row.server_url = server_url
        row.terminal_code = terminal_code
        row.ca_file = ca_file
        row.registered_at = uow.now()
        if changed_server:
            row.epoch = epoch
            row.cursor = 0
        uow.audit(
            user_id=None,
            action="terminal.registered",
            entity="terminal",
            entity_id=uow.terminal().id,
            after={"server_url": server_url, "code": terminal_code, "epoch": epoch},
        )
        uow.commit()


def pending_batch(db: Database, limit: int) -> list[PushRecord]:
    """The oldest pending records, in the order they were written."""
    # Plain columns, not ORM objects: a counter back online reads 100,000 of them.
    query = (
        select(
            OutboxRecord.id,
            OutboxRecord.entity,
            OutboxRecord.entity_id,
            OutboxRecord.payload_json,
            OutboxRecord.created_at,
        )
        .where(OutboxRecord.state == "pending")
        .order_by(OutboxRecord.seq)
        .limit(limit)
    )
    records: list[PushRecord] = []
    with db.read() as uow:
        for r in uow.session.execute(query):
            courtesy.checkpoint()  # on the client's sync thread: the cashier's GIL goes first
            records.append(
                PushRecord(
                    id=r.id,
                    entity=r.entity,
                    entity_id=r.entity_id,
                    payload=json.loads(r.payload_json),
                    created_at=r.created_at,
                )
            )
    return records


def count_attempt(db: Database, ids: list[uuid.UUID], error: str) -> None:
    """A batch that did not get through: nothing changes but the count and the last error."""
    with db.unit_of_work() as uow:
        uow.sync_outbox.count_attempt(ids, error)
        uow.commit()


def apply_push_results(db: Database, results: list[PushResult], server_time: datetime) -> None:
    """All outcomes of one batch in one transaction: a crash leaves the batch pending, and
    pushing it again is harmless (the server answers duplicate_same)."""
    with db.unit_of_work() as uow:
        now = uow.now()
        # One statement for the plain successes (almost every answer): the write lock is held
        # for milliseconds, not for hundreds of row-by-row updates a cashier would wait behind.
        plain = [
            r.id
            for r in results
            if r.outcome in (Outcome.STORED, Outcome.DUPLICATE_SAME) and not r.flags
        ]
        uow.sync_outbox.mark_sent(plain, now)
        settled = set(plain)
        for result in (r for r in results if r.id not in settled):
            row = uow.sync_outbox.get(result.id)
            if row is None or row.state != "pending":
                continue
            row.attempts += 1
            if result.outcome in (Outcome.STORED, Outcome.DUPLICATE_SAME):
                row.state, row.sent_at, row.last_error = "sent", now, None
                if result.flags:
                    row.reason = "Server flagged: " + ", ".join(result.flags)
            elif result.outcome == Outcome.DUPLICATE_DIFFERENT:
                row.state = "flagged"
                row.reason = result.reason or "The server holds other content under this id."
            else:
                row.state = "parked"
                row.reason = result.reason or "Rejected by the server."
        state_row(uow).last_push_at = now
        uow.commit()


def resend_everything_sent(uow: UnitOfWork) -> int:
    """After a server restore (new epoch) the server may lack anything we sent: push is
    idempotent, so sending all of it again is both simplest and correct."""
    return uow.sync_outbox.resend_sent()


def adopt_epoch(db: Database, epoch: str) -> bool:
    """True when the server's epoch is new to us: cursor back to 0, sent records pending."""
    with db.unit_of_work() as uow:
        row = state_row(uow)
        if row.epoch == epoch:
            return False
        if row.epoch is not None:
            count = resend_everything_sent(uow)
            uow.audit(
                user_id=None,
                action="sync.epoch_changed",
                entity="sync",
                entity_id="server",
                before={"epoch": row.epoch, "cursor": row.cursor},
                after={"epoch": epoch, "cursor": 0, "records_to_resend": count},
            )
        row.epoch = epoch
        row.cursor = 0
        row.audit_cursor = 0  # the restored server may lack audit events too: send them again
        uow.commit()
        return True


def record_success(
    db: Database, server_time: datetime, sent_at: datetime, *, warning: str | None = None
) -> None:
    """A complete push + pull: online, and how far our clock is from the server's. A warning
    (records quarantined) stays the last error, so no one reads "Online" and thinks all is well."""
    with db.unit_of_work() as uow:
        row = state_row(uow)
        now = uow.now()
        # The server stamped its time somewhere between our send and now: take the middle.
        local_mid = sent_at + (now - sent_at) / 2
        row.server_time = server_time
        row.clock_skew_seconds = round((server_time - local_mid).total_seconds(), 3)
        row.last_sync_at = now
        row.last_attempt_at = now
        row.failures = 0
        row.offline_since = None
        if warning is None:
            row.last_error = row.last_error_at = row.last_error_kind = None
        elif row.last_error != warning or row.last_error_kind != "quarantined":
            row.last_error, row.last_error_at, row.last_error_kind = warning, now, "quarantined"
        uow.commit()


def record_failure(db: Database, error: str, *, kind: str = "offline") -> int:
    """Remember when and why the sync failed (`kind`: offline, refused, not_registered or
    crashed; only "offline" starts the offline clock); returns the run of failures so far."""
    with db.unit_of_work() as uow:
        row = state_row(uow)
        now = uow.now()
        if row.offline_since is None and kind == "offline":
            row.offline_since = now
        row.failures += 1
        row.last_error, row.last_error_at, row.last_error_kind = error, now, kind
        row.last_attempt_at = now
        uow.commit()
        return row.failures
