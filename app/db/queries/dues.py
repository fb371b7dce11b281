"""What each bill, service charge and installment still owes: amount less payments and credit."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, select
from sqlalchemy.orm import QueryableAttribute, Session

from app.db.tables import (
    Bill,
    CreditNoteApplication,
    Installment,
    PaymentAllocation,
    PaymentPlan,
    ServiceCharge,
)

Refs = list[str] | None


@dataclass(frozen=True)
class ItemRow:
    item_id: uuid.UUID
    kind: str  # "bill" | "service" | "installment"
    reference: str  # INV-2025-001234, SC-2025-000001, PP-2025-0034/1
    description: str  # billing period, service description, plan and installment
    item_date: date  # billing period start, service date, installment due date
    due_date: date
    generated_on: date
    amount_minor: int
    paid_minor: int
    credited_minor: int

    @property
    def outstanding_minor(self) -> int:
        return self.amount_minor - self.paid_minor - self.credited_minor


_Key = QueryableAttribute[Any]  # a mapped id column: an item's own, or an allocation's link


def _paid(column: _Key, target: _Key) -> ColumnElement[int]:
    return (
        select(func.coalesce(func.sum(PaymentAllocation.amount_minor), 0))
        .where(column == target)
        .scalar_subquery()
    )


def _credited(column: _Key, target: _Key) -> ColumnElement[int]:
    return (
        select(func.coalesce(func.sum(CreditNoteApplication.amount_minor), 0))
        .where(column == target)
        .scalar_subquery()
    )


_BILLS = (
    select(
        Bill,
        _paid(PaymentAllocation.bill_id, Bill.id),
        _credited(CreditNoteApplication.bill_id, Bill.id),
    )
    .where(Bill.consumer_id == bindparam("consumer_id"))
    .order_by(Bill.due_date, Bill.invoice_number)
)
# A bill payment reads its bills by reference: built once, so SQLAlchemy reuses the cache key
# instead of walking the statement with its two subqueries at every payment.
_BILLS_BY_REF = _BILLS.where(func.upper(Bill.invoice_number).in_(bindparam("refs", expanding=True)))


def bills(session: Session, consumer_id: uuid.UUID, refs: Refs = None) -> list[ItemRow]:
    if refs is None:
        rows = session.execute(_BILLS, {"consumer_id": consumer_id}).all()
    else:
        params = {"consumer_id": consumer_id, "refs": list(refs)}
        rows = session.execute(_BILLS_BY_REF, params).all()
    return [
        ItemRow(
            b.id,
            "bill",
            b.invoice_number,
            b.period_label,
            b.issued_on,
            b.due_date,
            b.issued_on,
            b.amount_minor,
            paid,
            credited,
        )
        for b, paid, credited in rows
    ]


def services(session: Session, consumer_id: uuid.UUID, refs: Refs = None) -> list[ItemRow]:
    query = (
        select(
            ServiceCharge,
            _paid(PaymentAllocation.service_charge_id, ServiceCharge.id),
            _credited(CreditNoteApplication.service_charge_id, ServiceCharge.id),
        )
        .where(ServiceCharge.consumer_id == consumer_id)
        .order_by(ServiceCharge.service_date, ServiceCharge.reference)
    )
    if refs is not None:
        query = query.where(
            func.upper(ServiceCharge.reference).in_(refs)
            | func.upper(ServiceCharge.description).in_(refs)
        )
    rows = session.execute(query).all()
    return [
        ItemRow(
            s.id,
            "service",
            s.reference,
            s.description,
            s.service_date,
            s.service_date,
            s.service_date,
            s.amount_minor,
            paid,
            credited,
        )
        for s, paid, credited in rows
    ]


def installments(session: Session, consumer_id: uuid.UUID, refs: Refs = None) -> list[ItemRow]:
    query = (
        select(
            Installment,
            PaymentPlan,
            _paid(PaymentAllocation.installment_id, Installment.id),
            _credited(CreditNoteApplication.installment_id, Installment.id),
        )
        .join(PaymentPlan, PaymentPlan.id == Installment.plan_id)
        .where(PaymentPlan.consumer_id == consumer_id)
        .where(PaymentPlan.status != "Cancelled")  # a cancelled plan's installments are not due
        .order_by(Installment.due_date, PaymentPlan.plan_number, Installment.number)
    )
    if refs is not None:
        plans = {ref.split("/")[0] for ref in refs}
        query = query.where(func.upper(PaymentPlan.plan_number).in_(plans))
    rows = session.execute(query).all()
    return [
        ItemRow(
            i.id,
            "installment",
            f"{p.plan_number}/{i.number}",
            f"{p.plan_number} installment {i.number}",
            i.due_date,
            i.due_date,
            p.created_on,
            i.amount_minor,
            paid,
            credited,
        )
        for i, p, paid, credited in rows
    ]


def all_items(session: Session, consumer_id: uuid.UUID, refs: Refs = None) -> list[ItemRow]:
    """Every item of the consumer, or (with upper-cased refs) only those that may match."""
    return (
        bills(session, consumer_id, refs)
        + services(session, consumer_id, refs)
        + installments(session, consumer_id, refs)
    )


def items_by_kind(
    session: Session, consumer_id: uuid.UUID, kind: str, refs: Refs = None
) -> list[ItemRow]:
    return {"bill": bills, "service": services, "installment": installments}[kind](
        session, consumer_id, refs
    )
