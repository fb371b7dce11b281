"""In-memory twins of app.db.repositories: the same methods and refusals, over a Store."""

import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime

from app.db.queries.dues import ItemRow
from app.db.repositories.money import PaidRow
from app.db.tables import (
    Consumer,
    CreditNote,
    CreditNoteApplication,
    Payment,
    PaymentAllocation,
    PaymentPlan,
    SignInLockout,
    User,
)
from app.domain.credit_notes import CreditNoteStatus
from app.domain.errors import NotFound, UserFacingError
from tests.support.fake_store import Store

_NOT_CREDIT = (CreditNoteStatus.CANCELLED.value, CreditNoteStatus.REJECTED.value)
_KIND_ORDER = {"bill": 0, "service": 1, "installment": 2}


class FakePaymentRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def by_number(self, number: str) -> Payment:
        ref = number.strip()
        if not ref:
            raise UserFacingError("Enter a receipt or payment number.")
        for p in self.store.payments:
            if ref == p.receipt_number or ref.upper() in (
                p.payment_number.upper(),
                p.transaction_number.upper(),
            ):
                return p
        raise NotFound(f"No payment with receipt or payment number '{ref}'.")

    def add(self, payment: Payment, allocations: Sequence[PaymentAllocation]) -> None:
        self.store.payments.append(payment)
        self.store.allocations.extend(allocations)

    def get(self, payment_id: uuid.UUID) -> Payment | None:
        return next((p for p in self.store.payments if p.id == payment_id), None)

    def paid_items(self, payment_id: uuid.UUID) -> list[PaidRow]:
        items = {i.item_id: i for i in self.store.items}
        rows = []
        for a in self.allocations(payment_id):
            if a.reversal_of is None:
                item_id = a.bill_id or a.service_charge_id or a.installment_id
                assert item_id is not None  # an allocation settles exactly one item
                item = items[item_id]
                rows.append(
                    PaidRow(
                        item.kind,
                        item.reference,
                        item.description,
                        item.due_date,
                        item.amount_minor,
                        a.amount_minor,
                    )
                )
        return rows

    # The payments list runs SQL over the list's indexes: it is tested on SQLite only.
    def page(self, filters: object, *, limit: int, after: object) -> list[object]:
        raise NotImplementedError("the payments list is tested on a real SQLite file")

    def count(self, filters: object, *, at_most: int | None = None) -> int:
        raise NotImplementedError("the payments list is tested on a real SQLite file")

    def channel_in_use(self, channel: str) -> str | None:
        return next((p.channel for p in self.store.payments if p.channel == channel), None)

    def allocations(self, payment_id: uuid.UUID) -> list[PaymentAllocation]:
        return [a for a in self.store.allocations if a.payment_id == payment_id]

    def add_allocations(self, allocations: Sequence[PaymentAllocation]) -> None:
        self.store.allocations.extend(allocations)

    def save(self, payment: Payment) -> None:
        pass  # the object is the stored row


class FakeCreditNoteRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def by_number(self, number: str) -> CreditNote:
        ref = number.strip()
        for note in self.store.credit_notes:
            if note.number == ref:
                return note
        raise NotFound(f"No credit note '{ref}'.")

    def find(self, number: str) -> CreditNote | None:
        wanted = number.strip().lower()
        return next((n for n in self.store.credit_notes if n.number.lower() == wanted), None)

    def of_payment(self, payment_id: uuid.UUID) -> list[CreditNote]:
        notes = [n for n in self.store.credit_notes if n.payment_id == payment_id]
        return sorted(notes, key=lambda n: n.created_at)

    def add(self, note: CreditNote) -> None:
        self.store.credit_notes.append(note)

    def add_application(self, application: CreditNoteApplication) -> None:
        self.store.applications.append(application)

    def save(self, note: CreditNote) -> None:
        pass

    def applied_minor(self, credit_note_id: uuid.UUID) -> int:
        return sum(
            a.amount_minor for a in self.store.applications if a.credit_note_id == credit_note_id
        )

    def times_applied(self, credit_note_id: uuid.UUID) -> int:
        return sum(1 for a in self.store.applications if a.credit_note_id == credit_note_id)

    def still_credit_from(self, payment_id: uuid.UUID) -> list[CreditNote]:
        return [
            n
            for n in self.store.credit_notes
            if n.payment_id == payment_id and n.status not in _NOT_CREDIT
        ]

    def credited_on_payment(self, payment_id: uuid.UUID) -> int:
        return sum(n.amount_minor for n in self.still_credit_from(payment_id))


class FakeUserRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def by_username(self, username: str) -> User | None:
        wanted = username.casefold()  # the column's collation is NOCASE
        return next((u for u in self.store.users if u.username.casefold() == wanted), None)

    def get(self, user_id: uuid.UUID) -> User | None:
        return next((u for u in self.store.users if u.id == user_id), None)

    def add(self, user: User) -> None:
        self.store.users.append(user)

    def listed(self) -> list[User]:
        return sorted(self.store.users, key=lambda u: (not u.active, u.username.lower()))

    def active_count(self, role: str) -> int:
        return sum(1 for u in self.store.users if u.role == role and u.active)


class FakeConsumerRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def by_account_number(self, account_number: str) -> Consumer | None:
        wanted = account_number.casefold()  # the column's collation is NOCASE
        return next(
            (c for c in self.store.consumers if c.account_number.casefold() == wanted), None
        )

    def get(self, consumer_id: uuid.UUID) -> Consumer | None:
        return next((c for c in self.store.consumers if c.id == consumer_id), None)

    def search(self, query: str, limit: int) -> list[Consumer]:
        """A plain substring match over what the real full-text search indexes."""
        folded = query.casefold()
        found = [
            c
            for c in self.store.consumers
            if any(
                folded in (v or "").casefold()
                for v in (c.name, c.account_number, c.service_address, c.phone)
            )
        ]
        return found[:limit]

    search_like = search

    def items(self, consumer_id: uuid.UUID, refs: list[str] | None = None) -> list[ItemRow]:
        plans = {r.split("/")[0] for r in refs} if refs is not None else set()
        rows = [
            self.store.item_row(i)
            for i in self.store.items
            if i.consumer_id == consumer_id
            and (
                refs is None
                or i.reference.upper() in refs
                or (i.kind == "service" and i.description.upper() in refs)
                or (i.kind == "installment" and i.reference.split("/")[0].upper() in plans)
            )
        ]
        return sorted(rows, key=lambda r: (_KIND_ORDER[r.kind], r.due_date, r.reference))

    def items_by_kind(
        self, consumer_id: uuid.UUID, kind: str, refs: list[str] | None = None
    ) -> list[ItemRow]:
        return [r for r in self.items(consumer_id, refs) if r.kind == kind]

    def plans(self, consumer_id: uuid.UUID) -> list[PaymentPlan]:
        plans = [p for p in self.store.plans if p.consumer_id == consumer_id]
        return sorted(plans, key=lambda p: (p.created_on, p.plan_number))

    def credit_available(self, consumer_id: uuid.UUID, on: date) -> int:
        notes = self.store.credit_notes
        applied = FakeCreditNoteRepository(self.store).applied_minor
        return sum(
            n.amount_minor - applied(n.id)
            for n in notes
            if n.consumer_id == consumer_id
            and n.status == CreditNoteStatus.ACTIVE.value
            and n.expires_on >= on
        )

    def has_unsent_payments(self, consumer_id: uuid.UUID) -> bool:
        unsent = {o.entity_id for o in self.store.outbox if o.entity == "payment"}
        return any(p.consumer_id == consumer_id and p.id in unsent for p in self.store.payments)

    def owner_of_bill(self, invoice_number: str) -> tuple[str, str] | None:
        return self._owner("bill", lambda i: i.reference == invoice_number)

    def owner_of_service(self, reference: str) -> tuple[str, str] | None:
        return self._owner("service", lambda i: i.reference == reference)

    def owner_of_plan(self, plan_number: str, installment: int | None) -> tuple[str, str] | None:
        wanted = f"{plan_number}/{installment}" if installment is not None else None
        found = self._owner(
            "installment",
            lambda i: i.reference == wanted if wanted else i.reference.split("/")[0] == plan_number,
        )
        return None if found is None else (found[0], plan_number)

    def _owner(self, kind: str, test: object) -> tuple[str, str] | None:
        for item in self.store.items:
            if item.kind == kind and test(item):  # type: ignore[operator]
                consumer = self.get(item.consumer_id)
                assert consumer is not None
                return consumer.account_number, item.reference
        return None


class FakeSignInRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def lockout(self, terminal_id: uuid.UUID, username: str) -> SignInLockout | None:
        return next(
            (
                r
                for r in self.store.lockouts
                if r.terminal_id == terminal_id and r.username == username
            ),
            None,
        )

    def add_lockout(self, row: SignInLockout) -> None:
        self.store.lockouts.append(row)

    def clear_lockout(self, row: SignInLockout) -> None:
        self.store.lockouts.remove(row)

    def note_failure(
        self, terminal_id: uuid.UUID, username: str, at: datetime, since: datetime
    ) -> tuple[int, int]:
        kept = [(u, t) for u, t in self.store.sign_in_failures if t >= since]
        self.store.sign_in_failures[:] = [*kept, (username, at)]
        return sum(1 for u, _ in self.store.sign_in_failures if u == username), len(
            self.store.sign_in_failures
        )

    def alerts(self, entity_id: str, action: str, limit: int) -> list[tuple[datetime, str | None]]:
        events = [e for e in self.store.audit if e.entity_id == entity_id and e.action == action]
        found: list[tuple[datetime, str | None]] = [
            (e.at, json.dumps(e.after)) for e in reversed(events) if e.at is not None
        ]
        return found[:limit]
