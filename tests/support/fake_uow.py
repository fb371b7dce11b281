"""FakeUnitOfWork: the unit of work's interface over in-memory repositories, for fast tests.

Services take it where they take `db.unit_of_work()`; tests read what was written from its
Store (payments, audit, outbox ...) and `committed`.
"""

import uuid
from datetime import UTC, date, datetime
from typing import Any, Self

from app.db import follow_up
from app.db.tables import Consumer, User
from app.db.unit_of_work import TerminalRef
from app.domain.errors import UserFacingError
from app.domain.events import DomainEvent
from app.domain.roles import Role
from app.domain.settings import Settings
from app.services.unit_of_work import UnitOfWork
from tests.support.fake_back_office_repositories import (
    FakeNumberingRepository,
    FakeReconciliationRepository,
    FakeReferenceDataRepository,
    FakeSettingsRepository,
    FakeSyncIssueRepository,
)
from tests.support.fake_case_repositories import (
    FakeCircumstancesRepository,
    FakeDisputeRepository,
    FakePlanRepository,
    FakePlanViewRepository,
    FakeRecoveryFeedRepository,
)
from tests.support.fake_counter_repositories import (
    FakePrinterRepository,
    FakePrintJobRepository,
    FakeShiftRepository,
    FakeSyncStateRepository,
    FakeTerminalRepository,
)
from tests.support.fake_report_repositories import (
    FakeAnalyticsRepository,
    FakeAuditLogRepository,
    FakeCreditNoteListRepository,
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
    was added. `set_up=False`: a counter before `tilldesk init` (no terminal yet)."""

    def __init__(
        self,
        store: Store | None = None,
        *,
        now: datetime = NOON,
        settings: Settings | None = None,
        terminal: TerminalRef | None = None,
        set_up: bool = True,
    ) -> None:
        self.store = store if store is not None else Store()
        self.clock = now
        self._defaults = settings or Settings.from_mapping({})
        self._settings: tuple[dict[str, Any], Settings] | None = None
        self._terminal = terminal or TerminalRef(uuid.uuid4(), "T01", "Counter 1")
        if set_up:
            self.store.terminal_codes.setdefault(self._terminal.id, self._terminal.code)
            self.store.this_terminal = self._terminal.id
        self.committed = False
        self.commits = 0
        self._depth = 0
        self._marks: dict[str, Any] = {}
        self._events: list[DomainEvent] = []

    def __enter__(self) -> Self:
        if self._depth == 0:
            self._marks = self.store.mark()
            self.committed = False
            self._events = []
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0 and not self.committed:
            self.rollback()

    def collect(self, event: DomainEvent) -> None:
        self._events.append(event)

    def commit(self) -> None:
        follow_up.run(self, self._events)  # the same handlers as the real unit of work
        self.committed = True
        self.commits += 1
        self._marks = self.store.mark()

    def rollback(self) -> None:
        self._events = []
        self.store.roll_back_to(self._marks)

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

    @property
    def credit_note_list(self) -> FakeCreditNoteListRepository:
        return FakeCreditNoteListRepository(self.store)

    @property
    def analytics(self) -> FakeAnalyticsRepository:
        return FakeAnalyticsRepository(self.store)

    @property
    def audit_log(self) -> FakeAuditLogRepository:
        return FakeAuditLogRepository(self.store)

    @property
    def reconciliation(self) -> FakeReconciliationRepository:
        return FakeReconciliationRepository(self.store)

    @property
    def numbering(self) -> FakeNumberingRepository:
        return FakeNumberingRepository(self.store)

    @property
    def stored_settings(self) -> FakeSettingsRepository:
        return FakeSettingsRepository(self.store)

    @property
    def sync_issues(self) -> FakeSyncIssueRepository:
        return FakeSyncIssueRepository(self.store)

    @property
    def reference_data(self) -> FakeReferenceDataRepository:
        return FakeReferenceDataRepository(self.store)

    @property
    def plans(self) -> FakePlanRepository:
        return FakePlanRepository(self.store)

    @property
    def disputes(self) -> FakeDisputeRepository:
        return FakeDisputeRepository(self.store)

    @property
    def circumstances(self) -> FakeCircumstancesRepository:
        return FakeCircumstancesRepository(self.store)

    @property
    def plan_views(self) -> FakePlanViewRepository:
        return FakePlanViewRepository(self.store)

    @property
    def recovery_feed(self) -> FakeRecoveryFeedRepository:
        return FakeRecoveryFeedRepository(self.store)

    # -- time, configuration and the cross-cutting writes ---------------------------------
    def now(self) -> datetime:
        return self.clock

    def today(self) -> date:
        return self.clock.astimezone(self.settings().zone).date()

    def settings(self) -> Settings:
        """The defaults given, with what was saved since on top (parsed once per change)."""
        saved = self.store.setting_values
        if not saved:
            return self._defaults
        if self._settings is None or self._settings[0] != saved:
            merged = Settings.from_mapping({**self._defaults.to_mapping(), **saved})
            self._settings = (dict(saved), merged)
        return self._settings[1]

    def terminal(self) -> TerminalRef:
        if self.store.this_terminal is None:
            raise UserFacingError("This database is not set up yet: run 'tilldesk init'.")
        if self.store.this_terminal != self._terminal.id:  # set up by `init` in this test
            tid = self.store.this_terminal
            self._terminal = TerminalRef(tid, self.store.terminal_codes[tid], "Counter")
        return self._terminal

    def next_number(self, series: str, on: date) -> str:
        fmt = self.settings().number_format(series)
        key = (series, fmt.period(on))
        self.store.sequences[key] = self.store.sequences.get(key, 0) + 1
        return fmt.render(
            sequence=self.store.sequences[key], terminal_code=self.terminal().code, on=on
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
        self.store.outbox.append(OutboxEntry(entity, entity_id, payload, created_at=self.clock))

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


def as_unit_of_work(uow: FakeUnitOfWork) -> UnitOfWork:
    """Type-checked: the fake keeps every repository and method the services' Protocol names
    (mypy fails here the day one is added to the Protocol and not to the fake)."""
    return uow
