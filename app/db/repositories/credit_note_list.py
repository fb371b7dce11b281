"""The Credit Notes tab's reads: notes matching the filters, with what is used of each."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

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
from app.domain.credit_notes import CreditNoteStatus, RemainingFilter


@dataclass(frozen=True)
class CreditNoteFilter:
    """Filters already checked by the service; empty or None means no filter."""

    today: date  # Active and Expired depend on it
    text: str = ""  # credit note #, consumer name, account or linked receipt, partial
    status: CreditNoteStatus | None = None
    account_number: str = ""  # one consumer, exactly
    consumer: str = ""  # name or account, partial
    first: date | None = None  # created on or after
    last: date | None = None  # created on or before
    reasons: tuple[str, ...] = ()  # lower case
    remaining: RemainingFilter | None = None
    receipt: str = ""  # linked payment's receipt, partial
    low: int | None = None  # amount, minor units
    high: int | None = None


@dataclass(frozen=True)
class ListedCreditNote:
    note: CreditNote
    consumer_name: str
    account_number: str
    receipt_number: str
    created_by: str | None  # None: made by the system
    applied_minor: int


@dataclass(frozen=True)
class UsedCredit:
    """One use of a note: on which bill, service or installment, by whom (None: the system)."""

    applied_at: datetime
    amount_minor: int
    applied_to: str
    applied_by: str | None


class CreditNoteListRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def page(
        self, wanted: CreditNoteFilter, *, limit: int, offset: int, oldest_first: bool = False
    ) -> list[ListedCreditNote]:
        """Newest first unless `oldest_first`; all of the filtering is done in SQL."""
        order = (
            (CreditNote.created_at, CreditNote.number)
            if oldest_first
            else (CreditNote.created_at.desc(), CreditNote.number.desc())
        )
        statement = _base().where(*_where(wanted)).order_by(*order).limit(limit).offset(offset)
        return [ListedCreditNote(*row) for row in self.session.execute(statement)]

    def count(self, wanted: CreditNoteFilter) -> int:
        statement = _joined(select(func.count(CreditNote.id))).where(*_where(wanted))
        return int(self.session.scalar(statement) or 0)

    def listed(self, credit_note_id: uuid.UUID) -> ListedCreditNote:
        row = self.session.execute(_base().where(CreditNote.id == credit_note_id)).one()
        return ListedCreditNote(*row)

    def uses(self, credit_note_id: uuid.UUID) -> list[UsedCredit]:
        """Every application of the note, oldest first."""
        rows = self.session.execute(
            select(CreditNoteApplication, User.full_name)
            .outerjoin(User, User.id == CreditNoteApplication.applied_by)
            .where(CreditNoteApplication.credit_note_id == credit_note_id)
            .order_by(CreditNoteApplication.applied_at)
        ).all()
        return [UsedCredit(a.applied_at, a.amount_minor, self._target_ref(a), by) for a, by in rows]

    def _target_ref(self, application: CreditNoteApplication) -> str:
        get = self.session.get
        if application.bill_id:
            bill = get(Bill, application.bill_id)
            assert bill is not None  # foreign keys keep the item
            return bill.invoice_number
        if application.service_charge_id:
            charge = get(ServiceCharge, application.service_charge_id)
            assert charge is not None
            return charge.reference
        inst = get(Installment, application.installment_id)
        assert inst is not None
        plan = get(PaymentPlan, inst.plan_id)
        assert plan is not None
        return f"{plan.plan_number}/{inst.number}"


def _applied_sum() -> Any:
    return (
        select(func.coalesce(func.sum(CreditNoteApplication.amount_minor), 0))
        .where(CreditNoteApplication.credit_note_id == CreditNote.id)
        .scalar_subquery()
    )


def _joined(query: Select[Any]) -> Select[Any]:
    return query.join(Consumer, Consumer.id == CreditNote.consumer_id).join(
        Payment, Payment.id == CreditNote.payment_id
    )


def _base() -> Select[Any]:
    return _joined(
        select(
            CreditNote,
            Consumer.name,
            Consumer.account_number,
            Payment.receipt_number,
            User.full_name,
            _applied_sum().label("applied"),
        )
    ).outerjoin(User, User.id == CreditNote.created_by)


def _where(wanted: CreditNoteFilter) -> list[Any]:
    clauses: list[Any] = []
    if wanted.text:
        like = _like(wanted.text)
        clauses.append(
            or_(
                CreditNote.number.ilike(like, escape="\\"),
                Consumer.name.ilike(like, escape="\\"),
                Consumer.account_number.ilike(like, escape="\\"),
                Payment.receipt_number.ilike(like, escape="\\"),
            )
        )
    if wanted.status is not None:
        clauses.extend(_status_clause(wanted.status, wanted.today))
    if wanted.account_number:
        clauses.append(Consumer.account_number == wanted.account_number)
    if wanted.consumer:
        like = _like(wanted.consumer)
        clauses.append(
            or_(
                Consumer.name.ilike(like, escape="\\"),
                Consumer.account_number.ilike(like, escape="\\"),
            )
        )
    if wanted.first is not None:
        clauses.append(CreditNote.created_on >= wanted.first)
    if wanted.last is not None:
        clauses.append(CreditNote.created_on <= wanted.last)
    if wanted.reasons:
        clauses.append(func.lower(CreditNote.reason).in_(wanted.reasons))
    if wanted.remaining is not None:
        clauses.append(_remaining_clause(wanted.remaining))
    if wanted.receipt:
        clauses.append(Payment.receipt_number.ilike(_like(wanted.receipt), escape="\\"))
    if wanted.low is not None:
        clauses.append(CreditNote.amount_minor >= wanted.low)
    if wanted.high is not None:
        clauses.append(CreditNote.amount_minor <= wanted.high)
    return clauses


def _like(text: str) -> str:
    """What was typed, matched literally: % and _ are not wildcards to a cashier."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _remaining_clause(remaining: RemainingFilter) -> Any:
    applied = _applied_sum()
    if remaining is RemainingFilter.FULLY_USED:
        return applied >= CreditNote.amount_minor
    if remaining is RemainingFilter.PARTIAL:
        return and_(applied > 0, applied < CreditNote.amount_minor)
    return applied == 0


def _status_clause(status: CreditNoteStatus, today: date) -> list[Any]:
    if status is CreditNoteStatus.EXPIRED:
        return [CreditNote.status == CreditNoteStatus.ACTIVE.value, CreditNote.expires_on < today]
    if status is CreditNoteStatus.ACTIVE:
        return [CreditNote.status == status.value, CreditNote.expires_on >= today]
    return [CreditNote.status == status.value]
