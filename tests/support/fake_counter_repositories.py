"""In-memory twins of the counter's shift, printing, sync and terminal repositories."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from app.db.tables import (
    Printer,
    PrintJob,
    Shift,
    ShiftCashMovement,
    ShiftDenominationCount,
    ShiftReconciliation,
    SyncState,
    Terminal,
)
from app.domain.credit_notes import CreditNoteStatus
from app.domain.printing import JobState
from app.domain.shifts import ShiftStatus
from tests.support.fake_store import Store

_NOT_CREDIT = (CreditNoteStatus.CANCELLED.value, CreditNoteStatus.REJECTED.value)
_KIND_ORDER = {"bill": 0, "service": 1, "installment": 2}


class FakeShiftRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def open_on(self, terminal_id: uuid.UUID) -> Shift | None:
        return next(
            (
                s
                for s in self.store.shifts
                if s.terminal_id == terminal_id and s.status == ShiftStatus.OPEN.value
            ),
            None,
        )

    def count_on(self, terminal_id: uuid.UUID) -> int:
        return sum(1 for s in self.store.shifts if s.terminal_id == terminal_id)

    def latest(
        self, terminal_id: uuid.UUID, number: str | None = None, *, closed: bool = False
    ) -> Shift | None:
        if number:
            found = [s for s in self.store.shifts if s.number == number]
        else:
            found = [
                s
                for s in self.store.shifts
                if s.terminal_id == terminal_id
                and (not closed or s.status == ShiftStatus.CLOSED.value)
            ]
        return max(found, key=lambda s: s.opened_at, default=None)

    def add(self, shift: Shift) -> None:
        self.store.shifts.append(shift)

    def add_movement(self, movement: ShiftCashMovement) -> None:
        self.store.movements.append(movement)

    def add_close_counts(
        self,
        denominations: Sequence[ShiftDenominationCount],
        reconciliations: Sequence[ShiftReconciliation],
    ) -> None:
        self.store.denominations.extend(denominations)
        self.store.reconciliations.extend(reconciliations)

    def save(self, shift: Shift) -> None:
        pass

    def denominations(self, shift_id: uuid.UUID) -> list[ShiftDenominationCount]:
        rows = [d for d in self.store.denominations if d.shift_id == shift_id]
        return sorted(rows, key=lambda d: -d.value_minor)

    def reconciliations(self, shift_id: uuid.UUID) -> list[ShiftReconciliation]:
        rows = [r for r in self.store.reconciliations if r.shift_id == shift_id]
        return sorted(rows, key=lambda r: r.position)

    def link_payment(self, shift_id: uuid.UUID, payment_id: uuid.UUID) -> None:
        self.store.shift_payments.append((shift_id, payment_id))

    def takings(self, shift_id: uuid.UUID, as_of: datetime) -> list[tuple[str, str, int, int]]:
        ids = {p for s, p in self.store.shift_payments if s == shift_id}
        totals: dict[tuple[str, str], tuple[int, int]] = {}
        for p in self.store.payments:
            if p.id in ids and (p.voided_at is None or p.voided_at > as_of):
                count, total = totals.get((p.method, p.method_kind), (0, 0))
                totals[(p.method, p.method_kind)] = (count + 1, total + p.amount_minor)
        return [(m, k, n, total) for (m, k), (n, total) in totals.items()]

    def movements(self, shift_id: uuid.UUID) -> list[tuple[ShiftCashMovement, str]]:
        users = {u.id: u.full_name for u in self.store.users}
        rows = [m for m in self.store.movements if m.shift_id == shift_id]
        return [(m, users[m.recorded_by]) for m in sorted(rows, key=lambda m: m.recorded_at)]

    def unsent_payments(self, shift_id: uuid.UUID) -> int:
        ids = {p for s, p in self.store.shift_payments if s == shift_id}
        return len({o.entity_id for o in self.store.outbox if o.entity_id in ids})


class FakePrinterRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def on_terminal(self, terminal_id: uuid.UUID) -> list[Printer]:
        return [p for p in self.store.printers if p.terminal_id == terminal_id]

    def by_name(self, terminal_id: uuid.UUID, name: str) -> Printer | None:
        return next((p for p in self.on_terminal(terminal_id) if p.name == name), None)

    def add(self, printer: Printer) -> None:
        self.store.printers.append(printer)

    def remove(self, printer: Printer) -> None:
        self.store.printers.remove(printer)


class FakePrintJobRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, job: PrintJob) -> None:
        self.store.print_jobs.append(job)

    def get(self, job_id: uuid.UUID) -> PrintJob | None:
        return next((j for j in self.store.print_jobs if j.id == job_id), None)

    def by_id_prefix(self, prefix: str) -> list[PrintJob]:
        return [j for j in self.store.print_jobs if j.id.hex.startswith(prefix)]

    def original_document(self, kind: str, reference: str) -> str | None:
        return next(
            (
                j.document_json
                for j in self.store.print_jobs
                if (j.kind, j.reference, j.copy_number) == (kind, reference, 0)
            ),
            None,
        )

    def last_copy_number(self, kind: str, reference: str) -> int | None:
        copies = [
            j.copy_number
            for j in self.store.print_jobs
            if j.kind == kind and j.reference == reference
        ]
        return max(copies, default=None)

    def in_states(self, terminal_id: uuid.UUID, states: tuple[JobState, ...]) -> list[PrintJob]:
        wanted = {s.value for s in states}
        return [
            j for j in self.store.print_jobs if j.terminal_id == terminal_id and j.state in wanted
        ]

    def printing_since(self, terminal_id: uuid.UUID, cutoff: datetime) -> list[PrintJob]:
        return [
            j
            for j in self.store.print_jobs
            if j.terminal_id == terminal_id
            and j.state == JobState.PRINTING.value
            and j.started_at is not None
            and j.started_at <= cutoff
        ]

    def recent(self, terminal_id: uuid.UUID, limit: int) -> list[PrintJob]:
        jobs = [j for j in self.store.print_jobs if j.terminal_id == terminal_id]
        return list(reversed(jobs))[:limit]

    def waiting_for(self, printer_name: str, states: tuple[JobState, ...]) -> int:
        wanted = {s.value for s in states}
        return sum(
            1 for j in self.store.print_jobs if j.printer_name == printer_name and j.state in wanted
        )


class FakeSyncStateRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def clock_skew_seconds(self) -> float | None:
        if self.store.sync_state is not None:
            return self.store.sync_state.clock_skew_seconds
        return self.store.clock_skew_seconds

    def pending_outbox(self) -> tuple[int, datetime | None]:
        pending = [o for o in self.store.outbox if o.state == "pending"]
        times = [o.created_at for o in pending if o.created_at is not None]
        return len(pending), min(times, default=None)

    def state(self) -> SyncState | None:
        return self.store.sync_state

    def registered(self) -> bool:
        return self.server_url() is not None

    def server_url(self) -> str | None:
        if self.store.sync_state is not None:
            return self.store.sync_state.server_url
        return self.store.server_url

    def database_file(self) -> str | None:
        return None  # the fake is in memory


class FakeTerminalRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def code_of(self, terminal_id: uuid.UUID) -> str:
        return self.store.terminal_codes[terminal_id]

    def this_one(self) -> uuid.UUID | None:
        return self.store.this_terminal

    def code_taken(self, code: str) -> bool:
        return code in self.store.terminal_codes.values()

    def add_this_one(self, terminal: Terminal) -> None:
        self.store.terminal_codes[terminal.id] = terminal.code
        self.store.this_terminal = terminal.id
