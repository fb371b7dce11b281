"""The rows a FakeUnitOfWork holds in memory, and the bills, services and installments it owes."""

import uuid
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from app.db.queries.dues import ItemRow
from app.db.tables import (
    BankStatement,
    BankStatementLine,
    Consumer,
    ConsumerCircumstances,
    CreditNote,
    CreditNoteApplication,
    Dispute,
    Installment,
    NumberBlock,
    Payment,
    PaymentAllocation,
    PaymentPlan,
    Printer,
    PrintJob,
    ReconciliationMatch,
    Shift,
    ShiftCashMovement,
    ShiftDenominationCount,
    ShiftReconciliation,
    SignInLockout,
    SyncFlag,
    SyncState,
    User,
)
from app.db.tables.recovery_feed import SyncedRecoveryCase, SyncedTimelineEntry
from app.db.tables.sync_state import SyncQuarantine

_COLUMN = {"bill": "bill_id", "service": "service_charge_id", "installment": "installment_id"}


@dataclass(frozen=True)
class Item:
    """A bill, service charge or installment as the consumer was charged it."""

    consumer_id: uuid.UUID
    kind: str  # "bill" | "service" | "installment"
    reference: str
    description: str
    due_date: date
    amount_minor: int
    item_id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass
class OutboxEntry:
    """An outbox row; sync moves it from pending to sent, parked or flagged."""

    entity: str
    entity_id: uuid.UUID
    payload: dict[str, Any]
    state: str = "pending"
    created_at: datetime | None = None
    reason: str | None = None
    attempts: int = 0
    id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass(frozen=True)
class AuditEntry:
    user_id: uuid.UUID | None
    action: str
    entity: str
    entity_id: object
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    at: datetime | None = None


@dataclass
class Store:
    """Everything written so far; a unit of work left without commit drops what it added."""

    users: list[User] = field(default_factory=list)
    consumers: list[Consumer] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    plans: list[PaymentPlan] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    allocations: list[PaymentAllocation] = field(default_factory=list)
    credit_notes: list[CreditNote] = field(default_factory=list)
    applications: list[CreditNoteApplication] = field(default_factory=list)
    shifts: list[Shift] = field(default_factory=list)
    shift_payments: list[tuple[uuid.UUID, uuid.UUID]] = field(default_factory=list)
    movements: list[ShiftCashMovement] = field(default_factory=list)
    denominations: list[ShiftDenominationCount] = field(default_factory=list)
    reconciliations: list[ShiftReconciliation] = field(default_factory=list)
    printers: list[Printer] = field(default_factory=list)
    print_jobs: list[PrintJob] = field(default_factory=list)
    lockouts: list[SignInLockout] = field(default_factory=list)
    sign_in_failures: list[tuple[str, datetime]] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    outbox: list[OutboxEntry] = field(default_factory=list)
    sequences: dict[tuple[str, str], int] = field(default_factory=dict)
    number_blocks: list[NumberBlock] = field(default_factory=list)
    setting_values: dict[str, Any] = field(default_factory=dict)  # what was saved over defaults
    statements: list[BankStatement] = field(default_factory=list)
    bank_lines: list[BankStatementLine] = field(default_factory=list)
    matches: list[ReconciliationMatch] = field(default_factory=list)
    quarantine: list[SyncQuarantine] = field(default_factory=list)
    sync_flags: list[SyncFlag] = field(default_factory=list)
    sync_state: SyncState | None = None
    this_terminal: uuid.UUID | None = None  # set by `init` (the fake counter starts set up)
    terminal_codes: dict[uuid.UUID, str] = field(default_factory=dict)
    clock_skew_seconds: float | None = None
    server_url: str | None = None
    # plans' installments, disputes and circumstances (tests/support/fake_case_repositories.py)
    installments: list[Installment] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)
    circumstances: list[ConsumerCircumstances] = field(default_factory=list)
    synced_cases: list[SyncedRecoveryCase] = field(default_factory=list)  # the recovery feed
    synced_timeline: list[SyncedTimelineEntry] = field(default_factory=list)

    def mark(self) -> dict[str, Any]:
        """Where each table stands, to go back to on rollback."""
        marks: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            marks[f.name] = (
                list(value)
                if isinstance(value, list)
                else dict(value)
                if isinstance(value, dict)
                else value
            )
        return marks

    def roll_back_to(self, marks: dict[str, Any]) -> None:
        # Rows added since are dropped and rows removed come back; changed attributes of older
        # rows are not undone (the services refuse before they change anything, which is what
        # the tests check).
        for name, mark in marks.items():
            if isinstance(mark, list):
                getattr(self, name)[:] = mark
            else:
                setattr(self, name, mark)

    def item_row(self, item: Item) -> ItemRow:
        """The item with what payments and credit notes have settled of it so far."""
        column = _COLUMN[item.kind]
        paid = sum(a.amount_minor for a in self.allocations if getattr(a, column) == item.item_id)
        credited = sum(
            a.amount_minor for a in self.applications if getattr(a, column) == item.item_id
        )
        return ItemRow(
            item.item_id,
            item.kind,
            item.reference,
            item.description,
            item.due_date,
            item.due_date,
            item.due_date,
            item.amount_minor,
            paid,
            credited,
        )
