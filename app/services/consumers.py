"""Consumer look-up for the counter: search, account details with balance, unpaid items."""

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date

from app.db.queries.dues import ItemRow
from app.db.tables import Consumer
from app.domain.errors import NotFound, UserFacingError
from app.domain.payments import PaymentType
from app.services.unit_of_work import UnitOfWork

MAX_QUERY = 100


@dataclass(frozen=True)
class ConsumerHit:
    consumer_id: uuid.UUID
    account_number: str
    name: str
    service_address: str
    phone: str | None


@dataclass(frozen=True)
class UnpaidItem:
    item_id: uuid.UUID
    kind: str
    reference: str
    description: str
    item_date: date
    due_date: date
    amount_minor: int
    paid_minor: int
    outstanding_minor: int


@dataclass(frozen=True)
class ConsumerAccount:
    consumer_id: uuid.UUID
    account_number: str
    name: str
    service_address: str
    phone: str | None
    email: str | None
    timezone: str
    segment: str
    status: str
    currency: str
    balance_minor: int  # everything still owed: bills, services, installments
    credit_available_minor: int  # unused active credit notes
    provisional: bool  # this counter holds payments the server has not seen yet
    unpaid: tuple[UnpaidItem, ...]


def search_consumers(uow: UnitOfWork, query: str, limit: int = 20) -> list[ConsumerHit]:
    query = _printable(query).strip()
    if not query:
        return []
    if len(query) > MAX_QUERY:
        raise UserFacingError(f"A search can be at most {MAX_QUERY} characters.")
    if not 1 <= limit <= 500:
        raise UserFacingError("The result limit must be between 1 and 500.")
    with uow:
        return [_hit(row) for row in uow.consumers.search(query, limit)]


def _printable(query: str) -> str:
    """Control characters (a NUL pasted from elsewhere, a tab) search as spaces: SQLite's
    full-text index refuses some of them outright, and no name contains them."""
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in query)


def search_consumers_like(uow: UnitOfWork, query: str, limit: int = 20) -> list[ConsumerHit]:
    """The same search by a plain LIKE scan: only the benchmark uses it, for comparison."""
    with uow:
        return [_hit(row) for row in uow.consumers.search_like(query, limit)]


def _hit(row: object) -> ConsumerHit:
    raw_id = row.id  # type: ignore[attr-defined]
    return ConsumerHit(
        consumer_id=raw_id if isinstance(raw_id, uuid.UUID) else uuid.UUID(raw_id),
        account_number=row.account_number,  # type: ignore[attr-defined]
        name=row.name,  # type: ignore[attr-defined]
        service_address=row.service_address,  # type: ignore[attr-defined]
        phone=row.phone,  # type: ignore[attr-defined]
    )


def find_consumer(uow: UnitOfWork, account_number: str) -> Consumer:
    account = account_number.strip()
    if not account:
        raise UserFacingError("Enter the consumer's account number.")
    consumer = uow.consumers.by_account_number(account)
    if consumer is None:
        raise NotFound(f"No consumer with account number '{account}'.")
    return consumer


def unpaid_items(uow: UnitOfWork, consumer_id: uuid.UUID, kind: PaymentType) -> list[UnpaidItem]:
    """Unpaid bills, unpaid services or all unpaid installments, oldest due first."""
    with uow:
        rows = uow.consumers.items_by_kind(consumer_id, _KIND[kind])
    return [_unpaid(r) for r in rows if r.outstanding_minor > 0]


_KIND = {
    PaymentType.BILL: "bill",
    PaymentType.SERVICE: "service",
    PaymentType.INSTALLMENT: "installment",
}


def _unpaid(row: ItemRow) -> UnpaidItem:
    return UnpaidItem(
        item_id=row.item_id,
        kind=row.kind,
        reference=row.reference,
        description=row.description,
        item_date=row.item_date,
        due_date=row.due_date,
        amount_minor=row.amount_minor,
        paid_minor=row.paid_minor + row.credited_minor,
        outstanding_minor=row.outstanding_minor,
    )


def consumer_account(uow: UnitOfWork, account_number: str) -> ConsumerAccount:
    with uow:
        consumer = find_consumer(uow, account_number)
        items = [r for r in uow.consumers.items(consumer.id) if r.outstanding_minor > 0]
        return _account(uow, consumer, items)


def _account(uow: UnitOfWork, consumer: Consumer, items: list[ItemRow]) -> ConsumerAccount:
    return ConsumerAccount(
        consumer_id=consumer.id,
        account_number=consumer.account_number,
        name=consumer.name,
        service_address=consumer.service_address,
        phone=consumer.phone,
        email=consumer.email,
        timezone=consumer.timezone,
        segment=consumer.segment,
        status=consumer.status,
        currency=uow.settings().currency,
        balance_minor=sum(r.outstanding_minor for r in items),
        credit_available_minor=credit_available(uow, consumer.id),
        provisional=_has_unsent_payments(uow, consumer.id),
        unpaid=tuple(_unpaid(r) for r in sorted(items, key=lambda r: (r.due_date, r.reference))),
    )


def account_balance(uow: UnitOfWork, consumer_id: uuid.UUID) -> int:
    """Everything the consumer still owes: bills, services and installments."""
    return sum(max(0, r.outstanding_minor) for r in uow.consumers.items(consumer_id))


def credit_available(uow: UnitOfWork, consumer_id: uuid.UUID) -> int:
    return uow.consumers.credit_available(consumer_id, uow.today())


def _has_unsent_payments(uow: UnitOfWork, consumer_id: uuid.UUID) -> bool:
    return uow.consumers.has_unsent_payments(consumer_id)
