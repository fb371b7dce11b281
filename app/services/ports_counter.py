"""What use cases may ask of the counter's own records (shifts, printing, sync, numbering,
settings, the audit log): the interfaces app.db's repositories and the tests' fakes meet."""

import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from app.db.audit import ChainReport
from app.db.repositories.audit_log import AuditedChange
from app.db.tables import (
    NumberBlock,
    OutboxRecord,
    Printer,
    PrintJob,
    Shift,
    ShiftCashMovement,
    ShiftDenominationCount,
    ShiftReconciliation,
    SignInLockout,
    SyncFlag,
    SyncState,
    Terminal,
)
from app.db.tables.sync_state import SyncQuarantine
from app.domain.printing import JobState


class PrinterRepository(Protocol):
    def on_terminal(self, terminal_id: uuid.UUID) -> list[Printer]:
        """The terminal's printers in the order they were added."""

    def by_name(self, terminal_id: uuid.UUID, name: str) -> Printer | None: ...

    def add(self, printer: Printer) -> None: ...

    def remove(self, printer: Printer) -> None: ...


class PrintJobRepository(Protocol):
    def add(self, job: PrintJob) -> None: ...

    def get(self, job_id: uuid.UUID) -> PrintJob | None: ...

    def by_id_prefix(self, prefix: str) -> list[PrintJob]:
        """Jobs whose id (lower case, no dashes) starts with `prefix`."""

    def original_document(self, kind: str, reference: str) -> str | None:
        """The document JSON of the first print, as it was composed then."""

    def last_copy_number(self, kind: str, reference: str) -> int | None: ...

    def in_states(self, terminal_id: uuid.UUID, states: tuple[JobState, ...]) -> list[PrintJob]:
        """The terminal's jobs in these states, oldest first."""

    def printing_since(self, terminal_id: uuid.UUID, cutoff: datetime) -> list[PrintJob]:
        """Jobs the terminal started printing at or before `cutoff` and never finished."""

    def recent(self, terminal_id: uuid.UUID, limit: int) -> list[PrintJob]: ...

    def waiting_for(self, printer_name: str, states: tuple[JobState, ...]) -> int:
        """How many jobs for this printer are in these states (not printed yet)."""


class ShiftRepository(Protocol):
    def open_on(self, terminal_id: uuid.UUID) -> Shift | None: ...

    def count_on(self, terminal_id: uuid.UUID) -> int: ...

    def latest(
        self, terminal_id: uuid.UUID, number: str | None = None, *, closed: bool = False
    ) -> Shift | None:
        """A shift by number (any terminal's); else this terminal's latest (closed) one."""

    def add(self, shift: Shift) -> None: ...

    def add_movement(self, movement: ShiftCashMovement) -> None: ...

    def add_close_counts(
        self,
        denominations: Sequence[ShiftDenominationCount],
        reconciliations: Sequence[ShiftReconciliation],
    ) -> None:
        """What the cashier counted at close, per note and coin and per payment method."""

    def save(self, shift: Shift) -> None:
        """Write a changed shift now, so the database's rules refuse a wrong change here."""

    def denominations(self, shift_id: uuid.UUID) -> list[ShiftDenominationCount]:
        """The notes and coins counted at close, largest first."""

    def reconciliations(self, shift_id: uuid.UUID) -> list[ShiftReconciliation]:
        """Expected against counted per payment method, in the order the close showed them."""

    def link_payment(self, shift_id: uuid.UUID, payment_id: uuid.UUID) -> None: ...

    def takings(self, shift_id: uuid.UUID, as_of: datetime) -> list[tuple[str, str, int, int]]:
        """(method, method kind, count, total) of the payments that stood at `as_of`."""

    def movements(self, shift_id: uuid.UUID) -> list[tuple[ShiftCashMovement, str]]:
        """The shift's cash in and out, oldest first, with who recorded each."""

    def unsent_payments(self, shift_id: uuid.UUID) -> int:
        """Payments of the shift with an outbox record (the payment, a void...) still pending."""


class SignInRepository(Protocol):
    def lockout(self, terminal_id: uuid.UUID, username: str) -> SignInLockout | None: ...

    def add_lockout(self, row: SignInLockout) -> None: ...

    def clear_lockout(self, row: SignInLockout) -> None: ...

    def note_failure(
        self, terminal_id: uuid.UUID, username: str, at: datetime, since: datetime
    ) -> tuple[int, int]:
        """Keep this failure, forget those before `since`; (the user's, all) failures since."""

    def alerts(self, entity_id: str, action: str, limit: int) -> list[tuple[datetime, str | None]]:
        """(when, the event's after JSON) of the latest audited alerts of this kind."""


class SyncStateRepository(Protocol):
    def clock_skew_seconds(self) -> float | None:
        """How far this counter's clock was from the server's at the last sync (None: unknown)."""

    def pending_outbox(self) -> tuple[int, datetime | None]:
        """How many records wait to be sent, and since when the oldest has waited."""

    def state(self) -> SyncState | None:
        """The counter's link with the server (None: never registered nor synced)."""

    def registered(self) -> bool:
        """Registered with a central server (only then can it lease numbers)."""

    def server_url(self) -> str | None: ...

    def database_file(self) -> str | None:
        """The counter's database file (None: an in-memory database)."""


class TerminalRepository(Protocol):
    def code_of(self, terminal_id: uuid.UUID) -> str:
        """The code of the terminal a record was made on (it may be another counter's)."""

    def this_one(self) -> uuid.UUID | None:
        """This counter's terminal (None: the database is not set up yet)."""

    def code_taken(self, code: str) -> bool: ...

    def add_this_one(self, terminal: Terminal) -> None:
        """Record the terminal and make it this counter's."""


class AuditLogRepository(Protocol):
    def latest(
        self, entity: str, entity_id: object, actions: Collection[str]
    ) -> AuditedChange | None:
        """The newest event of these actions on the record."""

    def verify(self) -> ChainReport:
        """Walk the hash chain; the report names the first broken event."""


class NumberingRepository(Protocol):
    def last_value(self, terminal_id: uuid.UUID, series: str, period: str) -> int:
        """The last sequence value this terminal took in the series and period (0: none yet)."""

    def next_leased(self, series: str, period: str) -> int | None:
        """The value the leased blocks give next (None: none left)."""

    def leased_remaining(self, series: str, period: str) -> int:
        """How many leased numbers are left in the series and period."""

    def last_block_size(self, series: str, period: str) -> int | None:
        """How many numbers the latest block leased (None: no block yet)."""

    def block(self, block_id: uuid.UUID) -> NumberBlock | None: ...

    def add_block(self, block: NumberBlock) -> None: ...


class SettingsRepository(Protocol):
    def values(self) -> dict[str, Any]:
        """Every stored setting, parsed from its JSON."""

    def write(self, values: Mapping[str, Any], at: datetime) -> None:
        """Store these keys: new ones at version 1, changed ones one version up."""


class SyncIssueRepository(Protocol):
    def outbox_counts(self) -> dict[str, int]:
        """How many outbox records are in each state (pending, sent, parked, flagged ...)."""

    def held_records(self) -> Sequence[OutboxRecord]:
        """Parked and flagged outbox records, newest first."""

    def parked_ids(self) -> list[uuid.UUID]: ...

    def send_again(self, record_ids: Sequence[uuid.UUID]) -> None:
        """Put these records back in the queue: the next sync sends them."""

    def quarantined_count(self) -> int: ...

    def quarantined(self) -> Sequence[SyncQuarantine]:
        """Newest first (by when the server last sent them)."""

    def save(self) -> None:
        """Write changed rows (a retry requested, a flag resolved) now."""

    def open_flag_count(self) -> int: ...

    def open_flags(self) -> Sequence[SyncFlag]:
        """Flags not resolved yet, newest first."""

    def flag(self, key: str) -> SyncFlag | None: ...


class ReferenceDataRepository(Protocol):
    def rows(self, entity: str) -> list[dict[str, Any]]:
        """Every row of one entity (a key of TABLES), column name to value."""

    def settings(self) -> list[dict[str, Any]]: ...
