"""All mapped tables, imported together so the metadata is complete."""

from app.db.tables.disputes import ConsumerCircumstances, Dispute
from app.db.tables.kpi_totals import KpiDayTotal
from app.db.tables.money import CreditNote, CreditNoteApplication, Payment, PaymentAllocation
from app.db.tables.number_blocks import NumberBlock
from app.db.tables.printing import Printer, PrintJob
from app.db.tables.reconciliation import BankStatement, BankStatementLine, ReconciliationMatch
from app.db.tables.recovery_feed import SyncedRecoveryCase, SyncedTimelineEntry  # noqa: F401
from app.db.tables.reference import Bill, Consumer, Installment, PaymentPlan, ServiceCharge
from app.db.tables.shifts import (
    Shift,
    ShiftCashMovement,
    ShiftDenominationCount,
    ShiftPayment,
    ShiftReconciliation,
)
from app.db.tables.smart_collect_feed import (  # noqa: F401
    SyncedCaseFacts,
    SyncedEscalationStep,
    SyncedSmartCollectView,
)
from app.db.tables.sync_state import SyncFlag, SyncState
from app.db.tables.system import (
    AuditEvent,
    LocalState,
    NumberSequence,
    OutboxRecord,
    Setting,
    SignInFailure,
    SignInLockout,
    Terminal,
    User,
)

__all__ = [
    "AuditEvent",
    "BankStatement",
    "BankStatementLine",
    "Bill",
    "Consumer",
    "ConsumerCircumstances",
    "CreditNote",
    "CreditNoteApplication",
    "Dispute",
    "Installment",
    "KpiDayTotal",
    "LocalState",
    "NumberBlock",
    "NumberSequence",
    "OutboxRecord",
    "Payment",
    "PaymentAllocation",
    "PaymentPlan",
    "PrintJob",
    "Printer",
    "ReconciliationMatch",
    "ServiceCharge",
    "Setting",
    "Shift",
    "ShiftCashMovement",
    "ShiftDenominationCount",
    "ShiftPayment",
    "ShiftReconciliation",
    "SignInFailure",
    "SignInLockout",
    "SyncFlag",
    "SyncState",
    "Terminal",
    "User",
]
