"""Unit of work: one SQLite transaction per use case; rollback unless committed."""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Self

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from app.db import audit, follow_up, outbox, sequences
from app.db.repositories.analytics import AnalyticsRepository
from app.db.repositories.audit_log import AuditLogRepository
from app.db.repositories.credit_note_list import CreditNoteListRepository
from app.db.repositories.disputes import CircumstancesRepository, DisputeRepository
from app.db.repositories.money import CreditNoteRepository, PaymentRepository
from app.db.repositories.numbering import NumberingRepository
from app.db.repositories.people import ConsumerRepository, UserRepository
from app.db.repositories.plan_views import PlanViewRepository
from app.db.repositories.plans import PlanRepository
from app.db.repositories.printing import PrinterRepository, PrintJobRepository
from app.db.repositories.reconciliation import ReconciliationRepository
from app.db.repositories.recovery_feed import RecoveryFeedRepository
from app.db.repositories.reference_data import ReferenceDataRepository
from app.db.repositories.settings import SettingsRepository
from app.db.repositories.shifts import ShiftRepository
from app.db.repositories.sign_in import SignInRepository
from app.db.repositories.sync_client import (
    AuditPushRepository,
    OutboxRepository,
    QuarantineRepository,
    SyncLinkRepository,
)
from app.db.repositories.sync_issues import SyncIssueRepository
from app.db.repositories.sync_state import SyncStateRepository
from app.db.repositories.terminals import TerminalRepository
from app.db.tables import LocalState, Setting, Terminal
from app.domain.errors import UserFacingError
from app.domain.events import DomainEvent
from app.domain.settings import Settings

Clock = Callable[[], datetime]


_SETTINGS_FINGERPRINT = text(
    "SELECT count(*), coalesce(sum(version), 0), max(updated_at) FROM settings"
)


@dataclass(frozen=True)
class TerminalRef:
    id: uuid.UUID
    code: str
    name: str


def system_clock() -> datetime:
    return datetime.now(UTC)


class UnitOfWork:
    """`with db.unit_of_work() as uow: ...; uow.commit()` - the cosmicpython shape."""

    session: Session

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        clock: Clock,
        cache: dict[str, Any] | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._clock = clock
        self._cache = cache if cache is not None else {}  # shared by the Database's units
        self._settings: Settings | None = None
        self._terminal: TerminalRef | None = None
        self._now: datetime | None = None
        self._depth = 0
        self._events: list[DomainEvent] = []

    def __enter__(self) -> Self:
        # Re-entrant, so one use case can run inside another's transaction.
        if self._depth == 0:
            self.session = self._session_factory()
            self._now = None
            self._events = []
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._events = []
            self.session.rollback()
            self.session.close()

    def collect(self, event: DomainEvent) -> None:
        """Follow-up work for the commit: its handlers run then, in this transaction."""
        self._events.append(event)

    def commit(self) -> None:
        # The handlers write in this transaction (a print job lands with its payment or not at
        # all), so they run before the commit, not after it.
        follow_up.run(self, self._events)
        self.session.commit()

    def rollback(self) -> None:
        """Drop what this unit wrote so far, and the follow-up work it collected."""
        self._events = []
        self.session.rollback()

    # -- repositories: the records use cases look up, without writing queries ------------
    @property
    def payments(self) -> PaymentRepository:
        return PaymentRepository(self.session)

    @property
    def credit_notes(self) -> CreditNoteRepository:
        return CreditNoteRepository(self.session)

    @property
    def reconciliation(self) -> ReconciliationRepository:
        return ReconciliationRepository(self.session)

    @property
    def consumers(self) -> ConsumerRepository:
        return ConsumerRepository(self.session)

    @property
    def users(self) -> UserRepository:
        return UserRepository(self.session)

    @property
    def shifts(self) -> ShiftRepository:
        return ShiftRepository(self.session)

    @property
    def printers(self) -> PrinterRepository:
        return PrinterRepository(self.session)

    @property
    def print_jobs(self) -> PrintJobRepository:
        return PrintJobRepository(self.session)

    @property
    def sync_state(self) -> SyncStateRepository:
        return SyncStateRepository(self.session)

    # the sync client's bookkeeping (app/db/repositories/sync_client.py)
    @property
    def sync_link(self) -> SyncLinkRepository:
        return SyncLinkRepository(self.session)

    @property
    def sync_outbox(self) -> OutboxRepository:
        return OutboxRepository(self.session)

    @property
    def sync_quarantine(self) -> QuarantineRepository:
        return QuarantineRepository(self.session)

    @property
    def sync_audit_log(self) -> AuditPushRepository:
        return AuditPushRepository(self.session)

    @property
    def terminals(self) -> TerminalRepository:
        return TerminalRepository(self.session)

    @property
    def sign_ins(self) -> SignInRepository:
        return SignInRepository(self.session)

    @property
    def credit_note_list(self) -> CreditNoteListRepository:
        return CreditNoteListRepository(self.session)

    @property
    def analytics(self) -> AnalyticsRepository:
        return AnalyticsRepository(self.session)

    @property
    def audit_log(self) -> AuditLogRepository:
        return AuditLogRepository(self.session)

    @property
    def numbering(self) -> NumberingRepository:
        return NumberingRepository(self.session)

    @property
    def stored_settings(self) -> SettingsRepository:
        return SettingsRepository(self.session)

    @property
    def sync_issues(self) -> SyncIssueRepository:
        return SyncIssueRepository(self.session)

    @property
    def reference_data(self) -> ReferenceDataRepository:
        return ReferenceDataRepository(self.session)

    @property
    def plans(self) -> PlanRepository:
        return PlanRepository(self.session)

    @property
    def disputes(self) -> DisputeRepository:
        return DisputeRepository(self.session)

    @property
    def circumstances(self) -> CircumstancesRepository:
        return CircumstancesRepository(self.session)

    @property
    def plan_views(self) -> PlanViewRepository:
        return PlanViewRepository(self.session)

    @property
    def recovery_feed(self) -> RecoveryFeedRepository:
        return RecoveryFeedRepository(self.session)

    # -- time: one instant per unit of work, so every row it writes agrees -------------
    def now(self) -> datetime:
        if self._now is None:
            self._now = self._clock()
        return self._now

    def today(self) -> date:
        """The business date at this service center."""
        return self.now().astimezone(self.settings().zone).date()

    # -- configuration -------------------------------------------------------------------
    def settings(self) -> Settings:
        """Parsed and validated once per change: a cheap fingerprint says when to re-read."""
        if self._settings is None:
            fingerprint = tuple(self.session.execute(_SETTINGS_FINGERPRINT).one())
            cached = self._cache.get("settings")
            if cached is not None and cached[0] == fingerprint:
                self._settings = cached[1]
            else:
                rows = self.session.execute(select(Setting.key, Setting.value_json)).all()
                self._settings = Settings.from_mapping({k: json.loads(v) for k, v in rows})
                self._cache["settings"] = (fingerprint, self._settings)
        return self._settings

    def terminal(self) -> TerminalRef:
        """This counter's terminal, set by `tilldesk init` (never changes afterwards)."""
        if self._terminal is None:
            self._terminal = self._cache.get("terminal")
        if self._terminal is None:
            terminal_id = self.session.get(LocalState, "terminal_id")
            if terminal_id is None:
                raise UserFacingError("This database is not set up yet: run 'tilldesk init'.")
            row = self.session.get(Terminal, uuid.UUID(terminal_id.value))
            assert row is not None
            self._terminal = TerminalRef(row.id, row.code, row.name)
            self._cache["terminal"] = self._terminal
        return self._terminal

    # -- the cross-cutting writes every use case makes -----------------------------------
    def next_number(self, series: str, on: date) -> str:
        fmt = self.settings().number_format(series)
        terminal = self.terminal()
        if fmt.uses_blocks:  # no {TERM}: numbers come from blocks the server leased
            value = sequences.next_leased_value(self.session, series=series, period=fmt.period(on))
            if value is None:
                raise UserFacingError(
                    f"This counter has no {series.replace('_', ' ')} numbers left: sync with "
                    "the server to get more numbers (nothing was recorded)."
                )
            return fmt.render(sequence=value, terminal_code=terminal.code, on=on)
        value = sequences.next_value(
            self.session, terminal_id=terminal.id, series=series, period=fmt.period(on)
        )
        return fmt.render(sequence=value, terminal_code=terminal.code, on=on)

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
        terminal_id = self.terminal().id if self._has_terminal() else None
        audit.append(
            self.session,
            at=self.now(),
            user_id=user_id,
            terminal_id=terminal_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
        )

    def enqueue(self, entity: str, entity_id: uuid.UUID, payload: dict[str, Any]) -> None:
        outbox.enqueue(
            self.session, at=self.now(), entity=entity, entity_id=entity_id, payload=payload
        )

    def _has_terminal(self) -> bool:
        return self._terminal is not None or self.session.get(LocalState, "terminal_id") is not None
