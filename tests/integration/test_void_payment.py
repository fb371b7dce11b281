"""Voiding a payment cancels the credit it gave, and the audit says what each note was before."""

import json

from sqlalchemy import select

from app.db.database import Database
from app.db.tables import AuditEvent, CreditNote
from app.services.credit_note_approvals import reject_credit_note
from app.services.credit_notes import create_credit_note
from app.services.credit_notes_list import credit_note_details
from app.services.record_payment import PaymentRequest, record_payment
from app.services.void_payment import void_payment


def pay(db: Database) -> str:
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type="Bill",
        items=("INV-2025-001234",),
        method="Credit Card",
        amount="145.50",
        username="jsmith",
    )
    return record_payment(db.unit_of_work(), request).receipt_number


def credit(db: Database, receipt: str, amount: str) -> str:
    return create_credit_note(
        db.unit_of_work(), receipt=receipt, amount=amount, reason="Other", username="jsmith"
    ).number


def status(db: Database, number: str) -> str:
    return credit_note_details(db.read(), number).note.status


def cancellations(db: Database) -> dict[str, tuple[str, str]]:
    """Note number -> (status before, status after) of each credit_note.cancelled event."""
    with db.read() as uow:
        numbers = {
            str(i): n for i, n in uow.session.execute(select(CreditNote.id, CreditNote.number))
        }
        events = uow.session.execute(
            select(AuditEvent.entity_id, AuditEvent.before_json, AuditEvent.after_json).where(
                AuditEvent.action == "credit_note.cancelled"
            )
        ).all()
    return {numbers[i]: (json.loads(b)["status"], json.loads(a)["status"]) for i, b, a in events}


def test_voiding_cancels_active_and_waiting_notes_and_leaves_a_rejected_one(db) -> None:
    receipt = pay(db)
    rejected = credit(db, receipt, "120.00")  # above 100.00: waits, then refused
    reject_credit_note(db.unit_of_work(), rejected, "Not an error", username="mbrown")
    active = credit(db, receipt, "20.00")
    waiting = credit(db, receipt, "105.00")

    voided = void_payment(
        db.unit_of_work(), receipt=receipt, reason="Wrong account", username="mbrown"
    )

    assert voided.status == "Voided"
    assert voided.cancelled_credit_notes == (active, waiting)
    assert (status(db, active), status(db, waiting), status(db, rejected)) == (
        "Cancelled",
        "Cancelled",
        "Rejected",
    )
    assert cancellations(db) == {
        active: ("Active", "Cancelled"),
        waiting: ("Pending Approval", "Cancelled"),
    }
