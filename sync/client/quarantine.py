"""Pulled changes this counter could not apply: kept whole with the error (sync_quarantine),
reported to the server through the outbox, released as soon as a later version of the record
or a retry applies, and retried when the app was upgraded, when a supervisor asks, or - for a
record whose parent had not arrived yet - after a pull that brought anything new."""

import importlib.metadata
import json
import uuid
from collections.abc import Collection, Sequence

from app.db.database import Database
from app.db.tables.sync_state import SyncQuarantine
from app.db.unit_of_work import UnitOfWork
from sync.client.apply import Applied, apply_changes
from sync.client.guarded import Failure
from sync.protocol import Change

REPORT_ENTITY = "quarantine_report"
_REPORTS = uuid.UUID("5f0c6a53-7a43-4f43-9d2e-3c1f4c1f9e16")  # namespace of report ids
# A parent that had not arrived when the child was applied (the feed sends each record once,
# in its latest state, so a consumer edited later can come a page after its bill).
_MISSING_PARENT = "FOREIGN KEY constraint failed"


def running_version() -> str:
    try:
        return importlib.metadata.version("tilldesk")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - run from a checkout
        return "unknown"


def report_id(entity: str, key: str) -> uuid.UUID:
    """The outbox subject of a record's reports: never a record id, so a pending report does
    not hold back pulls of the record itself."""
    return uuid.uuid5(_REPORTS, f"{entity}:{key}")


def keep(uow: UnitOfWork, failures: Sequence[Failure], version: str) -> None:
    """Quarantine each failed change (or note it failed again); the server hears of it when it
    is new or its error changed."""
    now = uow.now()
    for failure in failures:
        change = failure.change
        row = uow.sync_quarantine.get(change.entity, change.key)
        news = row is None or row.error != failure.error
        if row is None:
            row = SyncQuarantine(entity=change.entity, key=change.key, first_seen_at=now, retries=0)
            uow.sync_quarantine.add(row)
        else:
            row.retries += 1
        row.seq, row.op, row.error = change.seq, change.op, failure.error
        row.data_json = json.dumps(change.data, sort_keys=True) if change.data else None
        row.app_version, row.last_seen_at, row.retry_requested = version, now, False
        if news:
            _report(uow, row, "quarantined")
    uow.sync_quarantine.flush()


def release(uow: UnitOfWork, settled: Sequence[Change]) -> int:
    """Forget quarantined records whose newer (or retried) version applied; tell the server."""
    held = {(r.entity, r.key): r for r in uow.sync_quarantine.all()}
    if not held:
        return 0
    released = 0
    for change in settled:
        row = held.pop((change.entity, change.key), None)
        if row is not None:
            _report(uow, row, "applied", seq=change.seq)
            uow.sync_quarantine.remove(row)
            released += 1
    uow.sync_quarantine.flush()
    return released


def retry_due(
    db: Database,
    version: str,
    *,
    pulled_something: bool,
    skip: Collection[tuple[str, str]] = (),
) -> Applied:
    """Apply again what is due: after an upgrade (another version quarantined it), when asked,
    and a record missing its parent once the pull brought something new (`skip`: the ones
    that failed in this very pull)."""
    with db.unit_of_work() as uow:
        rows = [
            row
            for row in uow.sync_quarantine.all()
            if (row.entity, row.key) not in skip
            and (
                row.retry_requested
                or row.app_version != version
                or (pulled_something and _MISSING_PARENT in row.error)
            )
        ]
        if not rows:
            return Applied()
        changes = [
            Change(
                seq=row.seq,
                entity=row.entity,
                key=row.key,
                op=row.op,  # type: ignore[arg-type]
                data=json.loads(row.data_json) if row.data_json else None,
            )
            for row in rows
        ]
        result = apply_changes(uow.session, changes, uow.terminal().id)
        keep(uow, result.failures, version)
        release(uow, result.settled)
        uow.commit()
        return result


def held(db: Database) -> tuple[int, SyncQuarantine | None]:
    """How many records are quarantined, and the newest of them."""
    with db.read() as uow:
        return uow.sync_quarantine.count(), uow.sync_quarantine.newest()


def _report(uow: UnitOfWork, row: SyncQuarantine, state: str, *, seq: int | None = None) -> None:
    uow.enqueue(
        REPORT_ENTITY,
        report_id(row.entity, row.key),
        {
            "entity": row.entity,
            "key": row.key,
            "seq": seq if seq is not None else row.seq,
            "state": state,
            "error": row.error,
            "app_version": row.app_version,
            "first_seen_at": row.first_seen_at.isoformat(),
            "last_seen_at": row.last_seen_at.isoformat(),
            "retries": row.retries,
            "data": json.loads(row.data_json) if row.data_json else None,
        },
    )
