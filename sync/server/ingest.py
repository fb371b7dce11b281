"""Projecting a pushed record into the server's tables: one function per entity.

Each runs inside the record's savepoint. It raises Rejected (a rule said no) or AlreadyStored
(the subject came before under another outbox id), or returns the flags it raised and the
changes other counters must pull.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, cast, literal, select, text, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.exc import IntegrityError

from sync.protocol import PushRecord
from sync.server.auth import TerminalIdentity
from sync.server.feed import NewChange
from sync.server.flags import raise_flag, resolve_flag
from sync.server.records import (
    AlreadyStored,
    CreditNoteChangeIn,
    CreditNoteIn,
    FlagResolutionIn,
    PaymentIn,
    PaymentVerificationIn,
    PaymentVoidIn,
    Rejected,
    parse,
)
from sync.server.tables import (
    audit_events,
    bills,
    consumers,
    credit_notes,
    installments,
    payment_allocations,
    payments,
    service_charges,
    shifts,
)

# Which unique constraint a number clash hit, in words for the counter's parked list.
_NUMBER_CONSTRAINTS = {
    "payment_number": "payment number",
    "transaction_number": "transaction number",
    "receipt_number": "receipt number",
    "credit_notes_number": "credit note number",
}


@dataclass
class Projected:
    flags: list[str] = field(default_factory=list)
    changes: list[NewChange] = field(default_factory=list)


@dataclass(frozen=True)
class Incoming:
    connection: Connection
    terminal: TerminalIdentity
    record: PushRecord
    now: datetime


def project(incoming: Incoming) -> Projected:
    handler = HANDLERS.get(incoming.record.entity)
    if handler is None:
        raise Rejected(f"unknown entity {incoming.record.entity!r}")
    return handler(incoming)


def _same_subject(incoming: Incoming, subject_id: uuid.UUID) -> None:
    if subject_id != incoming.record.entity_id:
        raise Rejected("bad payload: the payload's id differs from entity_id")


def _insert_unique(connection: Connection, statement: Any, numbers: dict[str, str]) -> bool:
    """Run an insert; a clash on a number constraint becomes Rejected. True if a row was added.

    `numbers` maps a column to the number the record tried to take, for the reason's words.
    """
    try:
        return connection.execute(statement.returning(text("1"))).first() is not None
    except IntegrityError as error:
        constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None) or ""
        for column, words in _NUMBER_CONSTRAINTS.items():
            if constraint.endswith(column):
                reason = f"{words} {numbers[column]} is already used by another record"
                raise Rejected(reason) from None
        raise


def _payment(incoming: Incoming) -> Projected:
    conn, payload = incoming.connection, incoming.record.payload
    payment = parse(PaymentIn, payload)
    _same_subject(incoming, payment.id)
    if payment.terminal_id != incoming.terminal.id:
        raise Rejected("the payment was recorded by another terminal")
    if conn.scalar(select(consumers.c.id).where(consumers.c.id == payment.consumer_id)) is None:
        raise Rejected(f"unknown consumer {payment.consumer_id}")
    data = {
        **payload,
        "source": "counter",
        "verification": payload.get("verification", "Verified"),
        "settlement_status": payload.get("settlement_status", "N/A"),
        "terminal_code": incoming.terminal.code,
    }
    statement = (
        insert(payments)
        .values(
            id=payment.id,
            terminal_id=payment.terminal_id,
            payment_number=payment.payment_number,
            transaction_number=payment.transaction_number,
            receipt_number=payment.receipt_number,
            consumer_id=payment.consumer_id,
            amount_minor=payment.amount_minor,
            currency=payment.currency,
            status=payment.status,
            verification=data["verification"],
            settlement_status=data["settlement_status"],
            source="counter",
            data=data,
            received_at=incoming.now,
            updated_at=incoming.now,
        )
        .on_conflict_do_nothing(index_elements=["id"])
    )
    if not _insert_unique(conn, statement, _numbers(payment)):
        stored = conn.scalar(select(payments.c.data).where(payments.c.id == payment.id))
        raise AlreadyStored(same=stored == data)
    bill_ids = sorted({a.bill_id for a in payment.allocations if a.bill_id})
    _lock_bills(conn, bill_ids)
    _allocate(conn, payment)
    flagged = [change for bill_id in bill_ids for change in _check_bill(incoming, bill_id)]
    changes = [NewChange("payment", str(payment.id), data), *flagged]
    return Projected(["overpayment"] if flagged else [], changes)


def _numbers(payment: PaymentIn) -> dict[str, str]:
    return {
        "payment_number": payment.payment_number,
        "transaction_number": payment.transaction_number,
        "receipt_number": payment.receipt_number,
    }


def _allocate(conn: Connection, payment: PaymentIn) -> None:
    targets = ((bills, "bill_id"), (service_charges, "service_charge_id"))
    targets += ((installments, "installment_id"),)
    for allocation in payment.allocations:
        chosen = [
            (table, getattr(allocation, column))
            for table, column in targets
            if getattr(allocation, column) is not None
        ]
        if len(chosen) != 1:
            raise Rejected("bad payload: an allocation must name exactly one item")
        table, item_id = chosen[0]
        if conn.scalar(select(table.c.id).where(table.c.id == item_id)) is None:
            raise Rejected(f"unknown {table.name.rstrip('s').replace('_', ' ')} {item_id}")
        conn.execute(
            insert(payment_allocations).values(**allocation.model_dump(), payment_id=payment.id)
        )


def _lock_bills(conn: Connection, bill_ids: list[uuid.UUID]) -> None:
    """Lock the paid bills (in id order, so two pushes never wait on each other in a circle)
    before anything references them: pushes paying the same bill are then summed one after the
    other and the second always sees the first. FOR NO KEY UPDATE, because a plain FOR UPDATE
    would also wait for the key-share locks that other pushes' allocation foreign keys hold."""
    if bill_ids:
        conn.execute(
            select(bills.c.id)
            .where(bills.c.id.in_(bill_ids))
            .order_by(bills.c.id)
            .with_for_update(key_share=True)
        ).all()


def _check_bill(incoming: Incoming, bill_id: uuid.UUID) -> list[NewChange]:
    """Flag a bill paid beyond its amount (e.g. at two counters while both were offline)."""
    conn = incoming.connection
    bill = conn.execute(
        select(bills.c.amount_minor, bills.c.data).where(bills.c.id == bill_id)
    ).one()
    paid_rows = conn.execute(
        select(
            payments.c.id,
            payments.c.receipt_number,
            payments.c.terminal_id,
            payment_allocations.c.amount_minor,
        )
        .join(payments, payments.c.id == payment_allocations.c.payment_id)
        .where(payment_allocations.c.bill_id == bill_id, payments.c.status != "Voided")
        .order_by(payments.c.received_at, payments.c.id)
    ).all()
    paid = sum(row.amount_minor for row in paid_rows)
    if paid <= bill.amount_minor:
        return []
    detail = {
        "bill_id": str(bill_id),
        "invoice_number": bill.data.get("invoice_number"),
        "consumer_id": bill.data.get("consumer_id"),
        "amount_minor": bill.amount_minor,
        "paid_minor": paid,
        "overpaid_minor": paid - bill.amount_minor,
        "payments": [
            {
                "payment_id": str(r.id),
                "receipt_number": r.receipt_number,
                "terminal_id": str(r.terminal_id) if r.terminal_id else None,
                "amount_minor": r.amount_minor,
            }
            for r in paid_rows
        ],
        "reason": "the bill was paid more than once (for example at two counters while offline)",
    }
    return [raise_flag(conn, "overpayment", f"bill:{bill_id}", detail, incoming.now)]


def _payment_void(incoming: Incoming) -> Projected:
    void = parse(PaymentVoidIn, incoming.record.payload)
    _same_subject(incoming, void.payment_id)
    return _update_payment(incoming, void.payment_id, {"status": void.status})


def _payment_verification(incoming: Incoming) -> Projected:
    verified = parse(PaymentVerificationIn, incoming.record.payload)
    _same_subject(incoming, verified.payment_id)
    return _update_payment(incoming, verified.payment_id, {"verification": verified.verification})


def _update_payment(
    incoming: Incoming, payment_id: uuid.UUID, columns: dict[str, str]
) -> Projected:
    conn = incoming.connection
    extra = {k: v for k, v in incoming.record.payload.items() if k != "payment_id"}
    row = conn.execute(
        update(payments)
        .where(payments.c.id == payment_id)
        .values(**columns, data=payments.c.data.op("||")(_jsonb(extra)), updated_at=incoming.now)
        .returning(payments.c.data)
    ).first()
    if row is None:
        raise Rejected(f"unknown payment {payment_id}")
    return Projected(changes=[NewChange("payment", str(payment_id), dict(row.data))])


def _jsonb(value: dict[str, Any]) -> Any:
    return cast(literal(value, JSONB), JSONB)


def _credit_note(incoming: Incoming) -> Projected:
    conn, payload = incoming.connection, incoming.record.payload
    note = parse(CreditNoteIn, payload)
    _same_subject(incoming, note.id)
    if conn.scalar(select(consumers.c.id).where(consumers.c.id == note.consumer_id)) is None:
        raise Rejected(f"unknown consumer {note.consumer_id}")
    if (
        note.payment_id
        and conn.scalar(select(payments.c.id).where(payments.c.id == note.payment_id)) is None
    ):
        raise Rejected(f"unknown payment {note.payment_id}")
    data = {**payload, "terminal_code": incoming.terminal.code}
    statement = (
        insert(credit_notes)
        .values(
            id=note.id,
            number=note.number,
            terminal_id=incoming.terminal.id,
            consumer_id=note.consumer_id,
            payment_id=note.payment_id,
            amount_minor=note.amount_minor,
            status=note.status,
            data=data,
            received_at=incoming.now,
        )
        .on_conflict_do_nothing(index_elements=["id"])
    )
    if not _insert_unique(conn, statement, {"credit_notes_number": note.number}):
        stored = conn.scalar(select(credit_notes.c.data).where(credit_notes.c.id == note.id))
        raise AlreadyStored(same=stored == data)
    return Projected(changes=[NewChange("credit_note", str(note.id), data)])


def _credit_note_change(incoming: Incoming) -> Projected:
    """An application or a decision: kept as received, and the note's status follows it."""
    change = parse(CreditNoteChangeIn, incoming.record.payload)
    conn = incoming.connection
    values: dict[str, Any] = {}
    if change.status:
        values = {
            "status": change.status,
            "data": credit_notes.c.data.op("||")(_jsonb({"status": change.status})),
        }
    row = conn.execute(
        update(credit_notes)
        .where(credit_notes.c.id == change.credit_note_id)
        .values(**values or {"status": credit_notes.c.status})
        .returning(credit_notes.c.data)
    ).first()
    if row is None:
        raise Rejected(f"unknown credit note {change.credit_note_id}")
    return Projected(changes=[NewChange("credit_note", str(change.credit_note_id), dict(row.data))])


def _shift(incoming: Incoming) -> Projected:
    """A shift is sent when opened and again when closed: the newest state wins."""
    conn, record = incoming.connection, incoming.record
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


def _audit(incoming: Incoming) -> Projected:
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


def _flag_resolution(incoming: Incoming) -> Projected:
    """Close the flag and publish it resolved; a flag already resolved (by this or another
    counter) keeps its first resolution and nothing is published again."""
    resolution = parse(FlagResolutionIn, incoming.record.payload)
    _same_subject(incoming, resolution.flag_id)
    how = {
        **resolution.model_dump(mode="json"),
        "terminal_code": incoming.terminal.code,
    }
    change = resolve_flag(incoming.connection, resolution.flag_id, how, incoming.now)
    return Projected(changes=[change] if change else [])


def _kept_only(incoming: Incoming) -> Projected:
    """Settings changes made on a counter: kept for the audit; the server's settings win."""
    return Projected()


HANDLERS: dict[str, Callable[[Incoming], Projected]] = {
    "payment": _payment,
    "payment_void": _payment_void,
    "payment_verification": _payment_verification,
    "credit_note": _credit_note,
    "credit_note_application": _credit_note_change,
    "credit_note_decision": _credit_note_change,
    "shift": _shift,
    "settings_change": _kept_only,
    "audit": _audit,
    "flag_resolution": _flag_resolution,
}
