"""What a barcode scanner types at the counter: an account, invoice, service or plan number."""

from dataclasses import dataclass

from sqlalchemy import select

from app.db.tables import Bill, Consumer, Installment, PaymentPlan, ServiceCharge
from app.db.unit_of_work import UnitOfWork
from app.domain.payments import PaymentType

MAX_REFERENCE = 64


@dataclass(frozen=True)
class ReferenceMatch:
    """The consumer a reference belongs to, and the item it named (None for an account)."""

    account_number: str
    payment_type: PaymentType | None = None
    item_reference: str | None = None  # as unpaid_items() names it: INV-..., SC-..., PP-.../1


def find_consumer_by_reference(uow: UnitOfWork, text: str) -> ReferenceMatch | None:
    """The consumer owning this exact account, invoice, service charge or plan reference."""
    reference = text.strip()
    if not reference or len(reference) > MAX_REFERENCE:
        return None
    with uow:
        session = uow.session
        account = session.scalar(
            select(Consumer.account_number).where(Consumer.account_number == reference)
        )
        if account is not None:
            return ReferenceMatch(account)
        for candidate in dict.fromkeys((reference, reference.upper())):
            found = _bill(uow, candidate) or _service(uow, candidate) or _plan(uow, candidate)
            if found is not None:
                return found
    return None


def _bill(uow: UnitOfWork, reference: str) -> ReferenceMatch | None:
    row = uow.session.execute(
        select(Consumer.account_number, Bill.invoice_number)
        .join(Consumer, Consumer.id == Bill.consumer_id)
        .where(Bill.invoice_number == reference)
    ).first()
    return None if row is None else ReferenceMatch(row[0], PaymentType.BILL, row[1])


def _service(uow: UnitOfWork, reference: str) -> ReferenceMatch | None:
    row = uow.session.execute(
        select(Consumer.account_number, ServiceCharge.reference)
        .join(Consumer, Consumer.id == ServiceCharge.consumer_id)
        .where(ServiceCharge.reference == reference)
    ).first()
    return None if row is None else ReferenceMatch(row[0], PaymentType.SERVICE, row[1])


def _plan(uow: UnitOfWork, reference: str) -> ReferenceMatch | None:
    """A plan number alone names the plan; 'PP-2025-0034/2' names its second installment."""
    plan_number, _, installment = reference.partition("/")
    query = (
        select(Consumer.account_number, PaymentPlan.plan_number)
        .join(Consumer, Consumer.id == PaymentPlan.consumer_id)
        .where(PaymentPlan.plan_number == plan_number)
    )
    if installment:
        if not installment.isdigit():
            return None
        query = query.join(Installment, Installment.plan_id == PaymentPlan.id).where(
            Installment.number == int(installment)
        )
    row = uow.session.execute(query).first()
    if row is None:
        return None
    item = f"{row[1]}/{int(installment)}" if installment else None
    return ReferenceMatch(row[0], PaymentType.INSTALLMENT, item)
