"""New payments of a push stored together: a handful of statements for the whole batch
instead of a dozen round trips per payment (a counter back online pushes 100,000 of them).

Only the plain case goes this way: a payment new to the server that passes every check of
store_payment (the same shared record rules, series and item checks, run here in Python on rows
read once for the batch) and overpays no bill. Anything else - a repeat, a record a rule
refuses, a number clash, an overpaid bill - is left to the record-by-record path, which gives
the exact answer and flags; on any database error the whole fast path is rolled back to its
savepoint and every record takes the slow path, so the answers never depend on which path ran.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import psycopg
from sqlalchemy import Connection, func, select
from sqlalchemy.exc import DBAPIError

from app.domain.payments import PaymentStatus
from app.domain.record_rules import TARGETS, RecordInvalid, check_payment
from app.domain.settings import Settings
from sync.protocol import Outcome, PushRecord, PushResult
from sync.server.auth import TerminalIdentity
from sync.server.bulk_sql import among, copy_rows
from sync.server.feed import NewChange
from sync.server.incoming import Incoming
from sync.server.ingest_payments import (
    ITEM_TABLES,
    NEW_STATUSES,
    item_owner,
    lock_bills,
    payment_values,
    series_numbers,
    stored_data,
)
from sync.server.limits import oversized_payload
from sync.server.records import PaymentIn, Rejected, parse
from sync.server.tables import bills, consumers, payment_allocations, payments, received_records
from sync.server.trust import require_own_series

Stored = dict[uuid.UUID, tuple[PushResult, list[NewChange]]]
MIN_BATCH = 8  # below this the slow path is as quick, and simpler to reason about


def store_new_payments(
    conn: Connection,
    terminal: TerminalIdentity,
    records: Sequence[PushRecord],
    now: datetime,
    settings: Settings,
) -> Stored:
    """Answers for the payments stored here, by outbox record id; the rest are not named."""
    candidates = [r for r in records if r.entity == "payment" and not oversized_payload(r.payload)]
    if len(candidates) < MIN_BATCH:
        return {}
    savepoint = conn.begin_nested()
    try:
        stored = _store(conn, terminal, candidates, now, settings)
    except (DBAPIError, psycopg.Error):  # a clash or a lock: the record-by-record path decides
        savepoint.rollback()
        return {}
    if stored is None:
        savepoint.rollback()
        return {}
    savepoint.commit()
    return stored


def _store(
    conn: Connection,
    terminal: TerminalIdentity,
    records: list[PushRecord],
    now: datetime,
    settings: Settings,
) -> Stored | None:
    checked = _checked(conn, terminal, records, now, settings)
    if len(checked) < MIN_BATCH:
        return {}
    ids = _remember(conn, terminal, [record for record, _ in checked], now)
    checked = [(record, payment) for record, payment in checked if record.id in ids]
    if not checked:
        return {}
    rows, datas = [], {}
    for record, payment in checked:
        datas[record.id] = stored_data(Incoming(conn, terminal, record, now), record.payload)
        rows.append(payment_values(payment, datas[record.id], now))
    ids_wanted = [row["id"] for row in rows]
    if conn.scalar(select(payments.c.id).where(among(payments.c.id, ids_wanted)).limit(1)):
        return None  # one came before under another outbox id: the slow path says so
    # One COPY per table; a number clash raises and rolls the batch back.
    copy_rows(conn, payments, rows)
    bill_ids = sorted({a.bill_id for _, p in checked for a in p.allocations if a.bill_id})
    lock_bills(conn, bill_ids)
    allocations = [
        {**a.model_dump(), "payment_id": p.id} for _, p in checked for a in p.allocations
    ]
    copy_rows(conn, payment_allocations, allocations)
    if _any_overpaid(conn, bill_ids):
        return None  # flags belong to the record that overpaid: the slow path finds it
    return {
        record.id: (
            # Built from values of our own making: pydantic's validation would only cost time.
            PushResult.model_construct(id=record.id, outcome=Outcome.STORED, reason=None, flags=[]),
            [NewChange("payment", str(payment.id), datas[record.id])],
        )
        for record, payment in checked
    }


def _checked(
    conn: Connection,
    terminal: TerminalIdentity,
    records: list[PushRecord],
    now: datetime,
    settings: Settings,
) -> list[tuple[PushRecord, PaymentIn]]:
    """The records store_payment would accept, judged on rows read once for the batch."""
    parsed: list[tuple[PushRecord, PaymentIn]] = []
    for record in records:
        incoming = Incoming(conn, terminal, record, now, known_settings=settings)
        try:
            payment = parse(PaymentIn, record.payload)
            if payment.id != record.entity_id or payment.terminal_id != terminal.id:
                continue
            if payment.status not in NEW_STATUSES:
                continue
            # The record rules run once, below, with the items' limits: they check all that
            # the call without limits does, and a refusal sends the record to the slow path.
            require_own_series(incoming, series_numbers(payment))
        except (Rejected, RecordInvalid):
            continue
        parsed.append((record, payment))
    known = _existing_consumers(conn, {p.consumer_id for _, p in parsed})
    items = _items(conn, [(r, p) for r, p in parsed])
    kept = []
    for record, payment in parsed:
        if payment.consumer_id not in known:
            continue
        limits = _limits(record, payment, items)
        if limits is None:
            continue
        try:
            check_payment(record.payload, currency=settings.currency, now=now, item_limits=limits)
        except RecordInvalid:
            continue
        kept.append((record, payment))
    return kept


def _existing_consumers(conn: Connection, ids: set[uuid.UUID]) -> set[uuid.UUID]:
    if not ids:
        return set()
    return set(conn.scalars(select(consumers.c.id).where(among(consumers.c.id, ids))))


def _items(
    conn: Connection, parsed: list[tuple[PushRecord, PaymentIn]]
) -> dict[str, dict[uuid.UUID, tuple[int, uuid.UUID]]]:
    """Per item column: id -> (amount, owner) of every item the batch allocates to."""
    wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
    for record, payment in parsed:
        column = TARGETS.get(str(record.payload.get("payment_type")))
        for allocation in payment.allocations:
            if column and getattr(allocation, column):
                wanted[column].add(getattr(allocation, column))
    found: dict[str, dict[uuid.UUID, tuple[int, uuid.UUID]]] = {}
    for column, ids in wanted.items():
        table = ITEM_TABLES[column]
        rows = conn.execute(
            select(table.c.id, table.c.amount_minor, item_owner(table).label("owner")).where(
                among(table.c.id, ids)
            )
        )
        found[column] = {row.id: (int(row.amount_minor), row.owner) for row in rows}
    return found


def _limits(
    record: PushRecord,
    payment: PaymentIn,
    items: dict[str, dict[uuid.UUID, tuple[int, uuid.UUID]]],
) -> dict[str, int] | None:
    """As _item_amounts in store_payment; None when an item is unknown or another's."""
    column = TARGETS.get(str(record.payload.get("payment_type")))
    if column is None:
        return None
    limits: dict[str, int] = {}
    for allocation in payment.allocations:
        item = items.get(column, {}).get(getattr(allocation, column))
        if item is None or item[1] != payment.consumer_id:
            return None
        limits[str(getattr(allocation, column))] = item[0]
    return limits


def _remember(
    conn: Connection, terminal: TerminalIdentity, records: list[PushRecord], now: datetime
) -> set[uuid.UUID]:
    """Keep the records verbatim; the ids that were new (a repeat takes the slow path)."""
    rows: list[dict[str, Any]] = [
        {
            "id": record.id,
            "terminal_id": terminal.id,
            "entity": record.entity,
            "entity_id": record.entity_id,
            "payload": record.payload,
            "client_created_at": record.created_at,
            "received_at": now,
        }
        for record in records
    ]
    seen = set(
        conn.scalars(
            select(received_records.c.id).where(
                among(received_records.c.id, [r.id for r in records])
            )
        )
    )
    rows = [row for row in rows if row["id"] not in seen]
    copy_rows(conn, received_records, rows)  # a concurrent twin raises: slow path
    return {row["id"] for row in rows}


def _any_overpaid(conn: Connection, bill_ids: list[uuid.UUID]) -> bool:
    """Whether a bill is paid beyond its amount (positive allocations of live payments)."""
    if not bill_ids:
        return False
    paid = (
        select(
            payment_allocations.c.bill_id,
            func.sum(payment_allocations.c.amount_minor).label("paid"),
        )
        .join(payments, payments.c.id == payment_allocations.c.payment_id)
        .where(
            among(payment_allocations.c.bill_id, bill_ids),
            payment_allocations.c.amount_minor > 0,
            payments.c.status != PaymentStatus.VOIDED.value,
        )
        .group_by(payment_allocations.c.bill_id)
        .subquery()
    )
    over = conn.execute(
        select(bills.c.id)
        .join(paid, paid.c.bill_id == bills.c.id)
        .where(paid.c.paid > bills.c.amount_minor)
        .limit(1)
    ).first()
    return over is not None
