"""FakeUnitOfWork: the unit of work's interface over in-memory repositories, for fast tests.

Services take it where they take `db.unit_of_work()`; tests read what was written from its
Store (payments, audit, outbox ...) and `committed`.
"""

import uuid
from datetime import UTC, date, datetime
from typing import Any, Self

from app.db.tables import Consumer, User
from app.db.unit_of_work import TerminalRef
from app.domain.roles import Role
from app.domain.settings import Settings
from tests.support.fake_counter_repositories import (
    FakePrinterRepository,
    FakePrintJobRepository,
    FakeShiftRepository,
    FakeSyncStateRepository,
    FakeTerminalRepository,
)
from tests.support.fake_repositories import (
    FakeConsumerRepository,
    FakeCreditNoteRepository,
    FakePaymentRepository,
    FakeSignInRepository,
    FakeUserRepository,
)
from tests.support.fake_store import AuditEntry, Item, OutboxEntry, Store

# A weekday afternoon at the service center (New York, the default time zone).
NOON = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)


class FakeUnitOfWork:
    """Re-entrant like the real one; leaving the outermost `with` without commit drops what
    was added."""

    def __init__(
        self,
        store: Store | None = None,
        *,
        now: datetime = NOON,
        settings: Settings | None = None,
        terminal: TerminalRef | None = None,
    ) -> None:
        self.store = store if store is not None else Store()
        self.clock = now
        self._settings = settings or Settings.from_mapping({})
        self._terminal = terminal or TerminalRef(uuid.uuid4(), "T01", "Counter 1")
        self.store.terminal_codes.setdefault(self._terminal.id, self._terminal.code)
        self.committed = False
        self.commits = 0
        self._depth = 0
        self._marks: dict[str, Any] = {}

    def __enter__(self) -> Self:
        if self._depth == 0:
            self._marks = self.store.mark()
            self.committed = False
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0 and not self.committed:
            self.store.roll_back_to(self._marks)

    def commit(self) -> None:
        self.committed = True
        self.commits += 1
        self._marks = self.store.mark()

    # -- repositories ----------------------------------------------------------------------
    @property
    def payments(self) -> FakePaymentRepository:
        return FakePaymentRepository(self.store)

    @property
    def credit_notes(self) -> FakeCreditNoteRepository:
        return FakeCreditNoteRepository(self.store)

    @property
    def consumers(self) -> FakeConsumerRepository:
        return FakeConsumerRepository(self.store)

    @property
    def users(self) -> FakeUserRepository:
        return FakeUserRepository(self.store)

    @property
    def shifts(self) -> FakeShiftRepository:
        return FakeShiftRepository(self.store)

    @property
    def printers(self) -> FakePrinterRepository:
        return FakePrinterRepository(self.store)

    @property
    def print_jobs(self) -> FakePrintJobRepository:
        return FakePrintJobRepository(self.store)

    @property
    def sync_state(self) -> FakeSyncStateRepository:
        return FakeSyncStateRepository(self.store)

    @property
    def terminals(self) -> FakeTerminalRepository:
        return FakeTerminalRepository(self.store)

    @property
    def sign_ins(self) -> FakeSignInRepository:
        return FakeSignInRepository(self.store)

    # -- time, configuration and the cross-cutting writes ---------------------------------
    def now(self) -> datetime:
        return self.clock

    def today(self) -> date:
        return self.clock.astimezone(self._settings.zone).date()

    def settings(self) -> Settings:
        return self._settings

    def terminal(self) -> TerminalRef:
        return self._terminal

    def next_number(self, series: str, on: date) -> str:
        fmt = self._settings.number_format(series)
        key = (series, fmt.period(on))
        self.store.sequences[key] = self.store.sequences.get(key, 0) + 1
        return fmt.render(
            sequence=self.store.sequences[key], terminal_code=self._terminal.code, on=on
        )

    def audit(
        self,
        *,
        user_id: uuid.UUID | None,
        action: str,
        entity: str,
        entity_id: object,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        self.store.audit.append(
            AuditEntry(user_id, action, entity, entity_id, before, after, at=self.clock)
        )

    def enqueue(self, entity: str, entity_id: uuid.UUID, payload: dict[str, Any]) -> None:
        self.store.outbox.append(OutboxEntry(entity, entity_id, payload))

    # -- what the tests read ---------------------------------------------------------------
    def actions(self) -> list[str]:
        """The audit log's actions, oldest first."""
        return [e.action for e in self.store.audit]


def seed_user(store: Store, username: str, role: Role, full_name: str | None = None) -> User:
    user = User(
        id=uuid.uuid4(),
        username=username,
        full_name=full_name or username.title(),
        role=role.value,
        secret_hash="not-a-hash",  # the fakes never check a PIN
        active=True,
        created_at=NOON,
    )
    store.users.append(user)
    return user


def seed_consumer(store: Store, account_number: str, name: str, status: str = "Active") -> Consumer:
    consumer = Consumer(
        id=uuid.uuid4(),
        account_number=account_number,
        name=name,
        service_address="1 Main Street",
        phone="555-0100",
        email=None,
        timezone="America/New_York",
        segment="Residential",
        status=status,
        created_at=NOON,
    )
    store.consumers.append(consumer)
    return consumer


def seed_item(
    store: Store,
    consumer: Consumer,
    kind: str,
    reference: str,
    amount_minor: int,
    *,
    due_date: date = date(2026, 3, 1),
    description: str | None = None,
) -> Item:
    item = Item(consumer.id, kind, reference, description or reference, due_date, amount_minor)
    store.items.append(item)
    return item
