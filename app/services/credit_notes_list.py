"""The Credit Notes tab and details view: remaining, applied, usage, status, history."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, or_, select

from app.db.tables import (
    Bill,
    Consumer,
    CreditNote,
    CreditNoteApplication,
    Installment,
    Payment,
    PaymentPlan,
    ServiceCharge,
    User,
)
from app.db.unit_of_work import UnitOfWork
from app.domain import credit_notes as rules
from app.domain.credit_notes import CreditNoteStatus
from app.domain.errors import UserFacingError
from app.services.credit_notes import find_credit_note

MAX_LIMIT = 500


@dataclass(frozen=True)
class CreditNoteRow:
    credit_note_id: uuid.UUID
    number: str
    consumer_name: str
    account_number: str
    amount_minor: int
    applied_minor: int
    remaining_minor: int
    usage_percent: Decimal
    currency: str
    reason: str
    status: str
    created_at: datetime
    created_on: date
    expires_on: date
    receipt_number: str
    remarks: str | None
    created_by: str


@dataclass(frozen=True)
class Application:
    applied_at: datetime
    amount_minor: int
    applied_to: str
    applied_by: str


@dataclass(frozen=True)
class CreditNoteDetails:
    note: CreditNoteRow
    applications: tuple[Application, ...]


def _applied() -> object:
    return (
        select(func.coalesce(func.sum(CreditNoteApplication.amount_minor), 0))
        .where(CreditNoteApplication.credit_note_id == CreditNote.id)
        .scalar_subquery()
        .label("applied")
    )


def _base() -> object:
    return (
        select(
            CreditNote,
            Consumer.name,
            Consumer.account_number,
            Payment.receipt_number,
            User.full_name,
            _applied(),
        )
        .join(Consumer, Consumer.id == CreditNote.consumer_id)
        .join(Payment, Payment.id == CreditNote.payment_id)
        .outerjoin(User, User.id == CreditNote.created_by)
    )


def list_credit_notes(
    uow: UnitOfWork,
    *,
    search: str | None = None,
    status: str | None = None,
    account_number: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[CreditNoteRow]:
    """Newest first; search on number, consumer name, account or linked receipt."""
    if not 1 <= limit <= MAX_LIMIT:
        raise UserFacingError(f"A page holds 1 to {MAX_LIMIT} credit notes.")
    wanted = CreditNoteStatus.parse(status) if status and status.casefold() != "all" else None
    with uow:
        today = uow.today()
        query = _base().order_by(CreditNote.created_at.desc())  # type: ignore[attr-defined]
        text = (search or "").strip()
        if text:
            like = f"%{text}%"
            query = query.where(
                or_(
                    CreditNote.number.ilike(like),
                    Consumer.name.ilike(like),
                    Consumer.account_number.ilike(like),
                    Payment.receipt_number.ilike(like),
                )
            )
        if wanted is not None:
            query = query.where(*_status_clause(wanted, today))
        if account_number:
            query = query.where(Consumer.account_number == account_number.strip())
        rows = uow.session.execute(query.limit(limit).offset(offset)).all()
        return [_row(r, today) for r in rows]


def _status_clause(status: CreditNoteStatus, today: date) -> list[object]:
    if status is CreditNoteStatus.EXPIRED:
        return [CreditNote.status == CreditNoteStatus.ACTIVE.value, CreditNote.expires_on < today]
    if status is CreditNoteStatus.ACTIVE:
        return [CreditNote.status == status.value, CreditNote.expires_on >= today]
    return [CreditNote.status == status.value]


def credit_note_details(uow: UnitOfWork, number: str) -> CreditNoteDetails:
    with uow:
        today = uow.today()
        note = find_credit_note(uow, number)
        row = uow.session.execute(_base().where(CreditNote.id == note.id)).one()  # type: ignore[attr-defined]
        history = uow.session.execute(
            select(CreditNoteApplication, User.full_name)
            .outerjoin(User, User.id == CreditNoteApplication.applied_by)
            .where(CreditNoteApplication.credit_note_id == note.id)
            .order_by(CreditNoteApplication.applied_at)
        ).all()
        return CreditNoteDetails(
            _row(row, today),
            tuple(
                Application(a.applied_at, a.amount_minor, _target_ref(uow, a), by or "System")
                for a, by in history
            ),
        )


def _target_ref(uow: UnitOfWork, application: CreditNoteApplication) -> str:
    session = uow.session
    if application.bill_id:
        return session.get(Bill, application.bill_id).invoice_number  # type: ignore[union-attr]
    if application.service_charge_id:
        charge = session.get(ServiceCharge, application.service_charge_id)
        return charge.reference  # type: ignore[union-attr]
    inst = session.get(Installment, application.installment_id)
    plan = session.get(PaymentPlan, inst.plan_id)  # type: ignore[union-attr]
    return f"{plan.plan_number}/{inst.number}"  # type: ignore[union-attr]


def _row(r: object, today: date) -> CreditNoteRow:
    note, name, account, receipt, created_by, applied = r  # type: ignore[misc]
    status = rules.status_of(
        amount_minor=note.amount_minor,
        applied_minor=applied,
        expires_on=note.expires_on,
        today=today,
        cancelled=note.status == CreditNoteStatus.CANCELLED.value,
    )
    return CreditNoteRow(
        credit_note_id=note.id,
        number=note.number,
        consumer_name=name,
        account_number=account,
        amount_minor=note.amount_minor,
        applied_minor=applied,
        remaining_minor=note.amount_minor - applied,
        usage_percent=rules.usage_percent(applied, note.amount_minor),
        currency=note.currency,
        reason=note.reason,
        status=status.value,
        created_at=note.created_at,
        created_on=note.created_on,
        expires_on=note.expires_on,
        receipt_number=receipt,
        remarks=note.remarks,
        created_by=created_by or "System",
    )
