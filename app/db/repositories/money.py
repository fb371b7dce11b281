"""Payments and credit notes as the use cases look them up: by the numbers people read."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from app.db.queries import payment_list
from app.db.queries.payment_list import Filters, PageKey
from app.db.tables import (
    Bill,
    CreditNote,
    CreditNoteApplication,
    Installment,
    Payment,
    PaymentAllocation,
    PaymentPlan,
    ServiceCharge,
)
from app.domain.credit_notes import CreditNoteStatus
from app.domain.errors import NotFound, UserFacingError

# A rejected note never was credit, and a cancelled one is already gone.
_NOT_CREDIT = (CreditNoteStatus.CANCELLED.value, CreditNoteStatus.REJECTED.value)


@dataclass(frozen=True)
class PaidRow:
    """One item a payment settled: the item as billed and what this payment put on it."""

    kind: str  # "bill" | "service" | "installment"
    reference: str
    description: str
    item_date: date
    item_amount_minor: int
    amount_minor: int


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

    def add(self, payment: Payment, allocations: Sequence[PaymentAllocation]) -> None:
        """A new payment with how it settles its items (flushed: triggers check it now)."""
        self.session.add(payment)
        self.session.add_all(allocations)
        self.session.flush()

    def get(self, payment_id: uuid.UUID) -> Payment | None:
        return self.session.get(Payment, payment_id)

    def paid_items(self, payment_id: uuid.UUID) -> list[PaidRow]:
        """What the payment settled when it was posted (a void's reversals left out)."""
        allocations = self.session.scalars(
            select(PaymentAllocation).where(
                PaymentAllocation.payment_id == payment_id,
                PaymentAllocation.reversal_of.is_(None),
            )
        )
        return [self._paid_row(a) for a in allocations]

    def _paid_row(self, a: PaymentAllocation) -> PaidRow:
        get = self.session.get
        if a.bill_id:
            bill = get(Bill, a.bill_id)
            assert bill is not None
            return PaidRow(
                "bill",
                bill.invoice_number,
                bill.period_label,
                bill.issued_on,
                bill.amount_minor,
                a.amount_minor,
            )
        if a.service_charge_id:
            charge = get(ServiceCharge, a.service_charge_id)
            assert charge is not None
            return PaidRow(
                "service",
                charge.reference,
                charge.description,
                charge.service_date,
                charge.amount_minor,
                a.amount_minor,
            )
        inst = get(Installment, a.installment_id)
        assert inst is not None
        plan = get(PaymentPlan, inst.plan_id)
        assert plan is not None
        return PaidRow(
            "installment",
            f"{plan.plan_number}/{inst.number}",
            f"{plan.plan_number} installment {inst.number}",
            inst.due_date,
            inst.amount_minor,
            a.amount_minor,
        )

    # -- the payments list: keyset pages over the list's indexes ----------------------------
    def page(self, filters: Filters, *, limit: int, after: PageKey | None) -> list[Row]:
        return payment_list.page(self.session, filters, limit=limit, after=after)

    def count(self, filters: Filters, *, at_most: int | None = None) -> int:
        return payment_list.count(self.session, filters, at_most=at_most)

    def channel_in_use(self, channel: str) -> str | None:
        """The channel as payments spell it, if any payment came through it."""
        return payment_list.channel_in_use(self.session, channel)

    def allocations(self, payment_id: uuid.UUID) -> list[PaymentAllocation]:
        return list(
            self.session.scalars(
                select(PaymentAllocation).where(PaymentAllocation.payment_id == payment_id)
            )
        )

    def add_allocations(self, allocations: Sequence[PaymentAllocation]) -> None:
        self.session.add_all(allocations)

    def save(self, payment: Payment) -> None:
        """Write a changed payment now, so the database's rules refuse a wrong change here."""
        self.session.flush()


class CreditNoteRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_number(self, number: str) -> CreditNote:
        ref = number.strip()
        note = self.session.scalar(select(CreditNote).where(CreditNote.number == ref))
        if note is None:
            raise NotFound(f"No credit note '{ref}'.")
        return note

    def find(self, number: str) -> CreditNote | None:
        """A note by its number however it is typed (cn-46129 is CN-46129)."""
        return self.session.scalar(
            select(CreditNote).where(func.lower(CreditNote.number) == number.strip().lower())
        )

    def of_payment(self, payment_id: uuid.UUID) -> list[CreditNote]:
        """Every note made from the payment, whatever became of it, oldest first."""
        return list(
            self.session.scalars(
                select(CreditNote)
                .where(CreditNote.payment_id == payment_id)
                .order_by(CreditNote.created_at)
            )
        )

    def add(self, note: CreditNote) -> None:
        self.session.add(note)
        self.session.flush()

    def add_application(self, application: CreditNoteApplication) -> None:
        self.session.add(application)

    def save(self, note: CreditNote) -> None:
        """Write a changed note (and its new applications) now."""
        self.session.flush()

    def applied_minor(self, credit_note_id: uuid.UUID) -> int:
        """How much of the note has been used on bills, services and installments."""
        total = self.session.scalar(
            select(func.coalesce(func.sum(CreditNoteApplication.amount_minor), 0)).where(
                CreditNoteApplication.credit_note_id == credit_note_id
            )
        )
        return int(total or 0)

    def times_applied(self, credit_note_id: uuid.UUID) -> int:
        return int(
            self.session.scalar(
                select(func.count()).where(CreditNoteApplication.credit_note_id == credit_note_id)
            )
            or 0
        )

    def still_credit_from(self, payment_id: uuid.UUID) -> list[CreditNote]:
        """The payment's notes that are (or may become) credit: Active or Pending Approval."""
        return list(
            self.session.scalars(
                select(CreditNote).where(
                    CreditNote.payment_id == payment_id, CreditNote.status.not_in(_NOT_CREDIT)
                )
            )
        )

    def credited_on_payment(self, payment_id: uuid.UUID) -> int:
        """Credit already taken from this payment; a pending note counts, a rejected one not."""
        total = self.session.scalar(
            select(func.coalesce(func.sum(CreditNote.amount_minor), 0)).where(
                CreditNote.payment_id == payment_id, CreditNote.status.not_in(_NOT_CREDIT)
            )
        )
        return int(total or 0)
