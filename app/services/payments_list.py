"""The All Payments tab: search, filters and keyset paging that stay fast at a million rows."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from app.db.queries.payment_list import Filters, PageKey
from app.domain.errors import UserFacingError
from app.domain.payments import PaymentStatus, PaymentType
from app.services.consumers import find_consumer
from app.services.unit_of_work import UnitOfWork

MAX_LIMIT = 500
COUNT_CAP = 10_000  # counting further would cost more than the list it describes
# The cashier of online payments, which nobody at a counter recorded ("System" on the
# dashboard). A user name can never start with "@", so this cannot name a real user.
SYSTEM_CASHIER = "@system"
SYSTEM_LABEL = "System (online payments)"


@dataclass(frozen=True)
class PaymentQuery:
    search: str | None = None
    method: str | None = None
    status: str | None = None
    payment_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    account_number: str | None = None  # one consumer's payment history
    channel: str | None = None
    cashier: str | None = None  # the recording user's user name, or SYSTEM_CASHIER
    limit: int = 50
    after: PageKey | None = None


@dataclass(frozen=True)
class PaymentRow:
    payment_id: uuid.UUID
    receipt_number: str
    consumer_name: str
    account_number: str
    amount_minor: int
    currency: str
    method: str
    payment_date: date
    recorded_at: datetime
    payment_type: str
    status: str
    verification: str
    channel: str
    cashier: str | None  # user name; None for an online payment


@dataclass(frozen=True)
class PaymentPage:
    rows: tuple[PaymentRow, ...]
    next_after: PageKey | None  # pass back as `after` for the next page; None at the end
    cashier_name: str | None = None  # the cashier filter as people read it: "Jane Smith"


def list_payments(uow: UnitOfWork, query: PaymentQuery) -> PaymentPage:
    with uow:
        filters, cashier_name = _filters(uow, query)
        if not 1 <= query.limit <= MAX_LIMIT:
            raise UserFacingError(f"A page holds 1 to {MAX_LIMIT} payments.")
        rows = uow.payments.page(filters, limit=query.limit, after=query.after)
    last = rows[-1] if len(rows) == query.limit else None
    next_after = (
        PageKey(str(last.payment_date), str(last.recorded_at), int(last.rowid)) if last else None
    )
    return PaymentPage(tuple(_row(r) for r in rows), next_after, cashier_name)


def count_payments(uow: UnitOfWork, query: PaymentQuery) -> int:
    with uow:
        return uow.payments.count(_filters(uow, query)[0])


@dataclass(frozen=True)
class PaymentCount:
    """How many payments match, for "100 shown of 1,234"; past COUNT_CAP only that there
    are more ("100 shown of more than 10,000")."""

    total: int
    more_than: bool = False  # True: at least `total` + 1 match, not counted further


def count_matching(uow: UnitOfWork, query: PaymentQuery) -> PaymentCount:
    """The same filters as the list, counted up to COUNT_CAP over the same indexes."""
    with uow:
        found = uow.payments.count(_filters(uow, query)[0], at_most=COUNT_CAP)
    if found > COUNT_CAP:
        return PaymentCount(COUNT_CAP, more_than=True)
    return PaymentCount(found)


def _filters(uow: UnitOfWork, query: PaymentQuery) -> tuple[Filters, str | None]:
    """The validated filters, and the cashier's name when the query names one."""
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise UserFacingError("The 'from' date must be on or before the 'to' date.")
    search = (query.search or "").strip() or None
    if search and len(search) > 100:
        raise UserFacingError("A search can be at most 100 characters.")
    consumer_id = None
    if query.account_number:
        consumer_id = find_consumer(uow, query.account_number).id.hex
    recorded_by, cashier_name = _cashier(uow, query.cashier) if query.cashier else (None, None)
    filters = Filters(
        consumer_id=consumer_id,
        search=search,
        method=uow.settings().method(query.method).name if query.method else None,
        status=PaymentStatus.parse(query.status).value if query.status else None,
        payment_type=PaymentType.parse(query.payment_type).value if query.payment_type else None,
        date_from=query.date_from,
        date_to=query.date_to,
        channel=_channel(uow, query.channel) if query.channel else None,
        recorded_by=recorded_by,
        online_only=bool(query.cashier) and recorded_by is None,
    )
    return filters, cashier_name


def _channel(uow: UnitOfWork, name: str) -> str:
    """A configured channel, or one that payments still carry after it left the settings."""
    try:
        return uow.settings().channel(name)
    except UserFacingError:
        if uow.payments.channel_in_use(name.strip()) is None:
            raise
        return name.strip()


def _cashier(uow: UnitOfWork, name: str) -> tuple[str | None, str]:
    """(hex of the user's id, full name); (None, SYSTEM_LABEL) for online payments.

    A disabled user still counts: their payments stay theirs."""
    wanted = name.strip()
    if wanted.casefold() == SYSTEM_CASHIER:
        return None, SYSTEM_LABEL
    user = uow.users.by_username(wanted)
    if user is None:
        raise UserFacingError(
            f"No cashier named '{wanted}'. Give a user name, or {SYSTEM_CASHIER} for online "
            "payments."
        )
    return user.id.hex, user.full_name


def _row(r: object) -> PaymentRow:
    g = r._mapping  # type: ignore[attr-defined]
    return PaymentRow(
        payment_id=uuid.UUID(g["id"]) if isinstance(g["id"], str) else g["id"],
        receipt_number=g["receipt_number"],
        consumer_name=g["consumer_name"],
        account_number=g["account_number"],
        amount_minor=g["amount_minor"],
        currency=g["currency"],
        method=g["method"],
        payment_date=date.fromisoformat(g["payment_date"]),
        recorded_at=datetime.fromisoformat(g["recorded_at"]).replace(tzinfo=UTC),
        payment_type=g["payment_type"],
        status=g["status"],
        verification=g["verification"],
        channel=g["channel"],
        cashier=g["cashier"],
    )
