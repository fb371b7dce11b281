"""Payments and credit notes as the use cases look them up: by the numbers people read."""

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.tables import CreditNote, CreditNoteApplication, Payment
from app.domain.errors import NotFound, UserFacingError


class PaymentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_number(self, number: str) -> Payment:
        """A payment by receipt, payment or transaction number (what a cashier has in hand)."""
        ref = number.strip()
        if not ref:
            raise UserFacingError("Enter a receipt or payment number.")
        payment = self.session.scalar(
            select(Payment).where(
                (Payment.receipt_number == ref)
                | (func.upper(Payment.payment_number) == ref.upper())
                | (func.upper(Payment.transaction_number) == ref.upper())
            )
        )
        if payment is None:
            raise NotFound(f"No payment with receipt or payment number '{ref}'.")
        return payment


class CreditNoteRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_number(self, number: str) -> CreditNote:
        ref = number.strip()
        note = self.session.scalar(select(CreditNote).where(CreditNote.number == ref))
        if note is None:
            raise NotFound(f"No credit note '{ref}'.")
        return note

    def applied_minor(self, credit_note_id: uuid.UUID) -> int:
        """How much of the note has been used on bills, services and installments."""
        total = self.session.scalar(
            select(func.coalesce(func.sum(CreditNoteApplication.amount_minor), 0)).where(
                CreditNoteApplication.credit_note_id == credit_note_id
            )
        )
        return int(total or 0)
