"""The unit of work as use cases see it: one transaction, the repositories they may ask, and
the writes every use case makes (numbers, audit, outbox, follow-up events).

app.db.unit_of_work.UnitOfWork is the real one (SQLite or PostgreSQL through SQLAlchemy);
tests.support.fake_uow.FakeUnitOfWork keeps everything in memory. Services annotate against
this Protocol, so either can be handed in.
"""

import uuid
from datetime import date, datetime
from typing import Any, Protocol, Self

from app.db.unit_of_work import TerminalRef
from app.domain.events import DomainEvent
from app.domain.settings import Settings
from app.services.ports_cases import (
    CircumstancesRepository,
    DisputeRepository,
    PlanRepository,
    PlanViewRepository,
    RecoveryFeedRepository,
)
from app.services.ports_counter import (
    AuditLogRepository,
    NumberingRepository,
    PrinterRepository,
    PrintJobRepository,
    ReferenceDataRepository,
    SettingsRepository,
    ShiftRepository,
    SignInRepository,
    SyncIssueRepository,
    SyncStateRepository,
    TerminalRepository,
)
from app.services.ports_money import (
    AnalyticsRepository,
    ConsumerRepository,
    CreditNoteListRepository,
    CreditNoteRepository,
    PaymentRepository,
    ReconciliationRepository,
    UserRepository,
)


class UnitOfWork(Protocol):
    """`with uow: ...; uow.commit()`: leaving without commit rolls everything back."""

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...

    def commit(self) -> None:
        """Run the collected events' handlers, then make everything written durable."""

    def rollback(self) -> None: ...

    def collect(self, event: DomainEvent) -> None:
        """Follow-up work (a print job...) to run at commit, in the same transaction."""

    # -- repositories ----------------------------------------------------------------------
    @property
    def payments(self) -> PaymentRepository: ...

    @property
    def credit_notes(self) -> CreditNoteRepository: ...

    @property
    def credit_note_list(self) -> CreditNoteListRepository: ...

    @property
    def consumers(self) -> ConsumerRepository: ...

    @property
    def users(self) -> UserRepository: ...

    @property
    def reconciliation(self) -> ReconciliationRepository: ...

    @property
    def analytics(self) -> AnalyticsRepository: ...

    @property
    def shifts(self) -> ShiftRepository: ...

    @property
    def printers(self) -> PrinterRepository: ...

    @property
    def print_jobs(self) -> PrintJobRepository: ...

    @property
    def sync_state(self) -> SyncStateRepository: ...

    @property
    def sync_issues(self) -> SyncIssueRepository: ...

    @property
    def terminals(self) -> TerminalRepository: ...

    @property
    def sign_ins(self) -> SignInRepository: ...

    @property
    def numbering(self) -> NumberingRepository: ...

    @property
    def stored_settings(self) -> SettingsRepository: ...

    @property
    def audit_log(self) -> AuditLogRepository: ...

    @property
    def reference_data(self) -> ReferenceDataRepository: ...

    @property
    def plans(self) -> PlanRepository: ...

    @property
    def disputes(self) -> DisputeRepository: ...

    @property
    def circumstances(self) -> CircumstancesRepository: ...

    @property
    def plan_views(self) -> PlanViewRepository: ...

    @property
    def recovery_feed(self) -> RecoveryFeedRepository: ...

    # -- time, configuration and the writes every use case makes ----------------------------
    def now(self) -> datetime:
        """One instant per unit of work, so every row it writes agrees."""

    def today(self) -> date:
        """The business date at this service center."""

    def settings(self) -> Settings: ...

    def terminal(self) -> TerminalRef: ...

    def next_number(self, series: str, on: date) -> str:
        """The next number of the series, taken in this transaction (gap-free)."""

    def audit(
        self,
        *,
        user_id: uuid.UUID | None,
        action: str,
        entity: str,
        entity_id: object,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None: ...

    def enqueue(self, entity: str, entity_id: uuid.UUID, payload: dict[str, Any]) -> None:
        """An outbox row: the server learns of the record at the next sync."""
