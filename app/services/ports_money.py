"""What use cases may ask of the money records (payments, credit notes, consumers, the bank's
lines and the dashboards' sums): the interfaces app.db's repositories and the tests' fakes meet."""

import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from app.db.queries.analytics import Breakdowns
from app.db.queries.dues import ItemRow
from app.db.queries.payment_list import Filters, PageKey
from app.db.repositories.credit_note_list import CreditNoteFilter, ListedCreditNote, UsedCredit
from app.db.repositories.money import PaidRow
from app.db.tables import (
    BankStatement,
    BankStatementLine,
    Consumer,
    CreditNote,
    CreditNoteApplication,
    Payment,
    PaymentAllocation,
    PaymentPlan,
    ReconciliationMatch,
    Shift,
    ShiftCashMovement,
    User,
)


class PaymentRepository(Protocol):
    def by_number(self, number: str) -> Payment:
        """A payment by receipt, payment or transaction number (what a cashier has in hand)."""

    def add(self, payment: Payment, allocations: Sequence[PaymentAllocation]) -> None:
        """A new payment with how it settles its items (flushed: triggers check it now)."""

    def get(self, payment_id: uuid.UUID) -> Payment | None: ...

    def paid_items(self, payment_id: uuid.UUID) -> list[PaidRow]:
        """What the payment settled when it was posted (a void's reversals left out)."""

    def page(self, filters: Filters, *, limit: int, after: PageKey | None) -> list[Any]: ...

    def count(self, filters: Filters, *, at_most: int | None = None) -> int: ...

    def channel_in_use(self, channel: str) -> str | None:
        """The channel as payments spell it, if any payment came through it."""

    def allocations(self, payment_id: uuid.UUID) -> list[PaymentAllocation]: ...

    def add_allocations(self, allocations: Sequence[PaymentAllocation]) -> None: ...

    def save(self, payment: Payment) -> None:
        """Write a changed payment now, so the database's rules refuse a wrong change here."""


class CreditNoteRepository(Protocol):
    def by_number(self, number: str) -> CreditNote: ...

    def find(self, number: str) -> CreditNote | None:
        """A note by its number however it is typed (cn-46129 is CN-46129)."""

    def of_payment(self, payment_id: uuid.UUID) -> list[CreditNote]:
        """Every note made from the payment, whatever became of it, oldest first."""

    def add(self, note: CreditNote) -> None: ...

    def add_application(self, application: CreditNoteApplication) -> None: ...

    def save(self, note: CreditNote) -> None:
        """Write a changed note (and its new applications) now."""

    def applied_minor(self, credit_note_id: uuid.UUID) -> int:
        """How much of the note has been used on bills, services and installments."""

    def times_applied(self, credit_note_id: uuid.UUID) -> int: ...

    def still_credit_from(self, payment_id: uuid.UUID) -> list[CreditNote]:
        """The payment's notes that are (or may become) credit: Active or Pending Approval."""

    def credited_on_payment(self, payment_id: uuid.UUID) -> int:
        """Credit already taken from this payment; a pending note counts, a rejected one not."""


class CreditNoteListRepository(Protocol):
    def page(
        self, wanted: CreditNoteFilter, *, limit: int, offset: int, oldest_first: bool = False
    ) -> list[ListedCreditNote]:
        """Newest first unless `oldest_first`; all of the filtering is done in SQL."""

    def count(self, wanted: CreditNoteFilter) -> int: ...

    def listed(self, credit_note_id: uuid.UUID) -> ListedCreditNote: ...

    def uses(self, credit_note_id: uuid.UUID) -> list[UsedCredit]:
        """Every application of the note, oldest first."""


class ConsumerRepository(Protocol):
    def by_account_number(self, account_number: str) -> Consumer | None: ...

    def get(self, consumer_id: uuid.UUID) -> Consumer | None: ...

    def search(self, query: str, limit: int) -> list[Any]:
        """Full-text search over names, accounts, addresses and phones."""

    def search_like(self, query: str, limit: int) -> list[Any]: ...

    def items(self, consumer_id: uuid.UUID, refs: list[str] | None = None) -> list[ItemRow]:
        """The consumer's bills, services and installments (only those named, if refs)."""

    def items_by_kind(
        self, consumer_id: uuid.UUID, kind: str, refs: list[str] | None = None
    ) -> list[ItemRow]:
        """The consumer's items of one kind (only those named, if refs)."""

    def plans(self, consumer_id: uuid.UUID) -> list[PaymentPlan]:
        """The consumer's payment plans, oldest first."""

    def credit_available(self, consumer_id: uuid.UUID, on: date) -> int:
        """What is left of the consumer's Active credit notes not expired on `on`."""

    def has_unsent_payments(self, consumer_id: uuid.UUID) -> bool: ...

    def owner_of_bill(self, invoice_number: str) -> tuple[str, str] | None: ...

    def owner_of_service(self, reference: str) -> tuple[str, str] | None: ...

    def owner_of_plan(self, plan_number: str, installment: int | None) -> tuple[str, str] | None:
        """The plan's owner; with an installment number, only if the plan has that one."""


class UserRepository(Protocol):
    def by_username(self, username: str) -> User | None: ...

    def get(self, user_id: uuid.UUID) -> User | None: ...

    def add(self, user: User) -> None: ...

    def listed(self) -> list[User]:
        """Every user as the settings screen lists them: active first, then by name."""

    def active_count(self, role: str) -> int:
        """How many active users hold this role (the last admin is never disabled)."""


class ReconciliationRepository(Protocol):
    def statement_by_ref(self, ref: str) -> BankStatement | None: ...

    def known_hashes(self, hashes: Collection[str]) -> set[str]: ...

    def lines(self) -> Sequence[BankStatementLine]: ...

    def add_statement(self, statement: BankStatement, lines: Sequence[BankStatementLine]) -> None:
        """A statement (new, or one imported before) with the lines it did not hold yet."""

    def matches(self, statuses: Collection[str] | None = None) -> Sequence[ReconciliationMatch]: ...

    def match_by_number(self, number: int) -> ReconciliationMatch: ...

    def add_match(self, match: ReconciliationMatch) -> None: ...

    def remove_match(self, match: ReconciliationMatch) -> None:
        """Drop a suggestion nobody needs any more (decided matches are kept, with history)."""

    def save(self, match: ReconciliationMatch) -> None:
        """Write a changed match now."""

    def next_match_number(self) -> int: ...

    def bank_drops(self, since: datetime, until: datetime) -> list[tuple[ShiftCashMovement, str]]:
        """(movement, shift number) for cash taken out for the bank."""

    def closed_shifts(self, since: datetime, until: datetime) -> Sequence[Shift]: ...

    def payments_of_kinds(
        self, kinds: Collection[str], since: date, until: date
    ) -> Sequence[tuple[Payment, str]]:
        """Posted, unvoided payments of those method kinds, with the consumer's account."""

    def stuck_online(self, statuses: Collection[str], before: datetime) -> Sequence[Payment]: ...

    def user_name(self, user_id: uuid.UUID | None) -> str: ...


class AnalyticsRepository(Protocol):
    """Posted payments by payment date and items by due date; every range is inclusive."""

    def collected(self, start: date, end: date) -> tuple[int, int]:
        """(sum, count) of posted payments dated in the range."""

    def due(self, start: date, end: date) -> int:
        """Bills, service charges and installments falling due in the range."""

    def collection_days(self, start: date, end: date) -> tuple[int, int]:
        """(sum of days, number of allocations) of posted payments dated in the range."""

    def collection_days_by_bucket(
        self, bucket: str, start: date, end: date
    ) -> dict[date, tuple[int, int]]:
        """The same per day, week or month (keyed by the bucket's first day)."""

    def by_day(self, start: date, end: date) -> list[tuple[date, int, int]]:
        """(day, sum, count) for each day of the range with posted payments."""

    def due_by_day(self, start: date, end: date) -> dict[date, int]: ...

    def breakdowns(self, dimensions: tuple[str, ...], start: date, end: date) -> Breakdowns:
        """Per dimension (method, channel, type, cashier): (key, label, sum, count)."""
