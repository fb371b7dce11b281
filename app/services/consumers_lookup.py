"""What a barcode scanner types at the counter: an account, invoice, service or plan number."""

from dataclasses import dataclass

from app.domain.payments import PaymentType
from app.services.unit_of_work import UnitOfWork

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
        consumer = uow.consumers.by_account_number(reference)
        if consumer is not None:
            return ReferenceMatch(consumer.account_number)
        for candidate in dict.fromkeys((reference, reference.upper())):
            found = _bill(uow, candidate) or _service(uow, candidate) or _plan(uow, candidate)
            if found is not None:
                return found
    return None


def _bill(uow: UnitOfWork, reference: str) -> ReferenceMatch | None:
    row = uow.consumers.owner_of_bill(reference)
    return None if row is None else ReferenceMatch(row[0], PaymentType.BILL, row[1])


def _service(uow: UnitOfWork, reference: str) -> ReferenceMatch | None:
    row = uow.consumers.owner_of_service(reference)
    return None if row is None else ReferenceMatch(row[0], PaymentType.SERVICE, row[1])


def _plan(uow: UnitOfWork, reference: str) -> ReferenceMatch | None:
    """A plan number alone names the plan; 'PP-2025-0034/2' names its second installment."""
    plan_number, _, installment = reference.partition("/")
    if installment and not installment.isdigit():
        return None
    number = int(installment) if installment else None
    row = uow.consumers.owner_of_plan(plan_number, number)
    if row is None:
        return None
    item = f"{row[1]}/{number}" if number is not None else None
    return ReferenceMatch(row[0], PaymentType.INSTALLMENT, item)
