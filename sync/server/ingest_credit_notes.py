"""Pushed credit notes, their applications and approval decisions, checked by the shared record
rules; a change to another terminal's note needs a supervisor's signed approval."""

import uuid
from typing import Any

from sqlalchemy import Integer, func, select, update
from sqlalchemy.dialects.postgresql import insert

from app.domain.credit_notes import CreditNoteStatus
from app.domain.record_rules import (
    check_credit_note,
    check_credit_note_application,
    check_credit_note_decision,
)
from sync.server.feed import NewChange
from sync.server.incoming import Incoming, Projected, insert_unique, jsonb, obey, same_subject
from sync.server.records import AlreadyStored, CreditNoteChangeIn, CreditNoteIn, Rejected, parse
from sync.server.tables import (
    bills,
    consumers,
    credit_notes,
    installments,
    payments,
    received_records,
    service_charges,
)
from sync.server.trust import require_approval, require_own_series

NEW_STATUSES = (CreditNoteStatus.ACTIVE.value, CreditNoteStatus.PENDING_APPROVAL.value)
# Credit taken from a payment: everything but what was refused or withdrawn.
_NOT_CREDIT = (CreditNoteStatus.CANCELLED.value, CreditNoteStatus.REJECTED.value)
_TARGETS = {"bill": bills, "service": service_charges, "installment": installments}


def store_credit_note(incoming: Incoming) -> Projected:
    conn, payload = incoming.connection, incoming.payload
    note = parse(CreditNoteIn, payload)
    same_subject(incoming, note.id)
    settings = incoming.settings()
    obey(check_credit_note, payload, currency=settings.currency, now=incoming.now)
    if note.status not in NEW_STATUSES:
        raise Rejected(f"a credit note arrives Active or Pending Approval, not {note.status}")
    require_own_series(incoming, {"credit_note": note.number})
    if conn.scalar(select(consumers.c.id).where(consumers.c.id == note.consumer_id)) is None:
        raise Rejected(f"unknown consumer {note.consumer_id}")
    if note.payment_id:
        _check_against_payment(incoming, note)
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
    if not insert_unique(conn, statement, {"credit_notes_number": note.number}):
        stored = conn.scalar(select(credit_notes.c.data).where(credit_notes.c.id == note.id))
        raise AlreadyStored(same=stored == data)
    return Projected(changes=[NewChange("credit_note", str(note.id), data)])


def _check_against_payment(incoming: Incoming, note: CreditNoteIn) -> None:
    conn = incoming.connection
    paid = conn.execute(
        select(payments.c.amount_minor, payments.c.consumer_id, payments.c.receipt_number)
        .where(payments.c.id == note.payment_id)
        .with_for_update()
    ).first()
    if paid is None:
        raise Rejected(f"unknown payment {note.payment_id}")
    if paid.consumer_id != note.consumer_id:
        raise Rejected(f"payment {paid.receipt_number} is another consumer's")
    obey(
        check_credit_note,
        incoming.payload,
        currency=str(incoming.payload.get("currency")),
        now=incoming.now,
        payment_amount_minor=paid.amount_minor,
    )
    credited = conn.scalar(
        select(func.coalesce(func.sum(credit_notes.c.amount_minor), 0)).where(
            credit_notes.c.payment_id == note.payment_id,
            credit_notes.c.status.not_in(_NOT_CREDIT),
            credit_notes.c.id != note.id,
        )
    )
    credited = int(credited or 0)  # coalesce(): never NULL, but the driver's type says it may be
    if credited + note.amount_minor > paid.amount_minor:
        raise Rejected(
            f"credit notes on payment {paid.receipt_number} would total "
            f"{credited + note.amount_minor}, more than its amount {paid.amount_minor}"
        )


def store_application(incoming: Incoming) -> Projected:
    change = parse(CreditNoteChangeIn, incoming.payload)
    note = _note(incoming, change.credit_note_id)
    remaining = note.amount_minor - _applied(incoming, note.id)
    obey(
        check_credit_note_application, incoming.payload, now=incoming.now, remaining_minor=remaining
    )
    if note.status != CreditNoteStatus.ACTIVE.value:
        raise Rejected(f"credit note {note.number} is {note.status}: it cannot be applied")
    _check_target(incoming, note)
    status = CreditNoteStatus.ACTIVE.value
    if int(incoming.payload["amount_minor"]) == remaining:
        status = CreditNoteStatus.APPLIED.value
    return _merge(incoming, note, "apply", status)


def store_decision(incoming: Incoming) -> Projected:
    change = parse(CreditNoteChangeIn, incoming.payload)
    note = _note(incoming, change.credit_note_id)
    obey(check_credit_note_decision, incoming.payload, now=incoming.now)
    if note.status != CreditNoteStatus.PENDING_APPROVAL.value:
        raise Rejected(
            f"credit note {note.number} is {note.status}: only a note waiting for approval "
            "can be approved or rejected"
        )
    return _merge(incoming, note, "decide", str(incoming.payload["status"]))


def _note(incoming: Incoming, note_id: uuid.UUID) -> Any:
    row = incoming.connection.execute(
        select(credit_notes).where(credit_notes.c.id == note_id).with_for_update()
    ).first()
    if row is None:
        raise Rejected(f"unknown credit note {note_id}")
    return row


def _applied(incoming: Incoming, note_id: uuid.UUID) -> int:
    """Credit already used from the note: the applications stored so far."""
    amount = received_records.c.payload["amount_minor"].astext.cast(Integer)
    total = incoming.connection.scalar(
        select(func.coalesce(func.sum(amount), 0)).where(
            received_records.c.entity == "credit_note_application",
            received_records.c.payload["credit_note_id"].astext == str(note_id),
            received_records.c.id != incoming.record.id,
        )
    )
    return int(total)


def _check_target(incoming: Incoming, note: Any) -> None:
    kind, target_id = incoming.payload["target_kind"], incoming.payload["target_id"]
    table = _TARGETS[kind]
    owner = table.c.plan_id if table is installments else table.c.consumer_id
    row = incoming.connection.execute(
        select(owner.label("owner")).where(table.c.id == uuid.UUID(str(target_id)))
    ).first()
    if row is None:
        raise Rejected(f"unknown {kind} {target_id}")
    if table is not installments and row.owner != note.consumer_id:
        raise Rejected(f"{kind} {target_id} is another consumer's")


def _merge(incoming: Incoming, note: Any, action: str, status: str) -> Projected:
    approval = None
    # Using a consumer's credit at any counter is a cashier's everyday job (the consumer paid
    # too much at T01 and pays a bill at T02): an application is held to the note's status and
    # what is left of it, checked above under the note's row lock, and needs no supervisor.
    # Deciding another counter's note does.
    if action != "apply" or "approval" in incoming.payload:
        approval = require_approval(
            incoming,
            entity="credit_note",
            subject_id=note.id,
            subject_words=f"credit note {note.number}",
            owner_terminal_id=note.terminal_id,
            action=action,
        )
    extra: dict[str, Any] = {"status": status}
    if approval is not None:
        extra[f"{action}_approval"] = approval
    row = incoming.connection.execute(
        update(credit_notes)
        .where(credit_notes.c.id == note.id)
        .values(status=status, data=credit_notes.c.data.op("||")(jsonb(extra)))
        .returning(credit_notes.c.data)
    ).one()
    return Projected(changes=[NewChange("credit_note", str(note.id), dict(row.data))])
