"""Disputes and consumers' special circumstances from the feed: checked with the shared rules
(app.domain.disputes), the higher version kept, and a record this counter has not sent yet
left as it is (the counter's version is newer)."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.db.tables import ConsumerCircumstances, Dispute
from app.domain.disputes import check_circumstances, check_dispute
from sync.client.apply_records import moment
from sync.client.guarded import MALFORMED, Failure, describe, guarded
from sync.protocol import Change


def apply_disputes(
    session: Session, batch: list[Change], pending: set[uuid.UUID], now: datetime
) -> tuple[int, list[Failure]]:
    return _apply(session, batch, pending, now, check_dispute, _store_dispute)


def apply_circumstances(
    session: Session, batch: list[Change], pending: set[uuid.UUID], now: datetime
) -> tuple[int, list[Failure]]:
    return _apply(session, batch, pending, now, check_circumstances, _store_circumstances)


def _apply(
    session: Session,
    batch: list[Change],
    pending: set[uuid.UUID],
    now: datetime,
    check: Any,
    store: Any,
) -> tuple[int, list[Failure]]:
    ready: list[Change] = []
    failures: list[Failure] = []
    skipped = 0
    for change in batch:
        try:
            key = uuid.UUID(change.key)
            if change.op != "upsert" or change.data is None or key in pending:
                skipped += 1  # deletions are not published; our own unsent edit wins
                continue
            check(change.data, now=now)
        except MALFORMED as error:
            failures.append(Failure(change, describe(error)))
            continue
        ready.append(change)

    def apply(some: Sequence[Change]) -> None:
        for change in some:
            store(session, change.data or {})
        session.flush()

    failures += guarded(session, ready, apply, lambda change: change)
    return len(batch) - skipped - len(failures), failures


def _store_dispute(session: Session, data: dict[str, Any]) -> None:
    dispute_id = uuid.UUID(data["id"])
    row = session.get(Dispute, dispute_id)
    if row is not None and row.version >= data["version"]:
        return
    if row is None:
        row = Dispute(id=dispute_id)
        session.add(row)
    row.consumer_id = uuid.UUID(data["consumer_id"])
    row.subject, row.subject_number = data["subject"], data["subject_number"]
    row.payment_id = uuid.UUID(data["payment_id"]) if data.get("payment_id") else None
    row.bill_id = uuid.UUID(data["bill_id"]) if data.get("bill_id") else None
    row.reason, row.status = data["reason"], data["status"]
    row.resolution, row.owner = data.get("resolution"), data.get("owner")
    row.opened_at, row.opened_by = moment(data["opened_at"]), data["opened_by"]
    row.updated_at, row.updated_by = moment(data["updated_at"]), data["updated_by"]
    row.resolved_at = moment(data["resolved_at"]) if data.get("resolved_at") else None
    row.version = data["version"]


def _store_circumstances(session: Session, data: dict[str, Any]) -> None:
    consumer_id = uuid.UUID(data["consumer_id"])
    row = session.get(ConsumerCircumstances, consumer_id)
    if row is not None and row.version >= data["version"]:
        return
    if row is None:
        row = ConsumerCircumstances(consumer_id=consumer_id)
        session.add(row)
    row.circumstances = list(data["circumstances"])
    row.note = data.get("note", "")
    row.preferred_channel = data.get("preferred_channel", "")
    row.preferred_from = data.get("preferred_from", "")
    row.preferred_until = data.get("preferred_until", "")
    row.language = data.get("language", "")
    row.set_by, row.set_at = data["set_by"], moment(data["set_at"])
    row.version = data["version"]
