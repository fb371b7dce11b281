"""Table models of the plan screens: the plans list, a plan's installments, a schedule preview."""

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QWidget

from app.domain.counter_plans import ScheduledInstallment
from app.domain.plan_compliance import InstallmentCompliance, InstallmentState, PlanState
from app.services.counter_plans_views import PlanSummary
from ui.context import ClientContext
from ui.models.rows_model import Index, Row, RowsModel
from ui.widgets.style import stylesheet_colour

STATE_TONES = {
    PlanState.BROKEN: "bad",
    PlanState.BEHIND: "warn",
    PlanState.PENDING: "warn",
    PlanState.ON_TRACK: "good",
    PlanState.COMPLETED: "good",
}
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class _AlignedModel(RowsModel[Row]):
    """Amounts right-aligned, as in the app's other tables (`money_columns`)."""

    money_columns: frozenset[int] = frozenset()

    def data(self, index: Index, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and index.isValid():
            return int(RIGHT) if index.column() in self.money_columns else None
        return super().data(index, role)


class PlanColumn(IntEnum):
    PLAN = 0
    CONSUMER = 1
    ACCOUNT = 2
    FREQUENCY = 3
    PAID = 4
    NEXT_DUE = 5
    STATE = 6


class PlansModel(_AlignedModel[PlanSummary]):
    columns = PlanColumn
    money_columns = frozenset({PlanColumn.PAID})
    headers = ("Plan", "Consumer", "Account", "Frequency", "Paid / total", "Next due", "Status")

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context

    def text(self, row: PlanSummary, column: PlanColumn) -> str:
        c, money = row.compliance, self.context.money
        nxt = c.next_due
        next_due = (
            f"{self.context.day(nxt.due_date)}  {money(nxt.outstanding_minor)}" if nxt else "—"
        )
        return {
            PlanColumn.PLAN: row.plan_number,
            PlanColumn.CONSUMER: row.consumer_name,
            PlanColumn.ACCOUNT: row.account_number,
            PlanColumn.FREQUENCY: row.frequency or "—",
            PlanColumn.PAID: f"{money(c.paid_minor)} / {money(c.total_minor)}",
            PlanColumn.NEXT_DUE: next_due,
            PlanColumn.STATE: _state_text(row),
        }[column]

    def look(self, row: PlanSummary, role: int) -> object:
        tone = STATE_TONES.get(row.state)
        if role == Qt.ItemDataRole.ForegroundRole and tone:
            return QBrush(stylesheet_colour(tone))
        return None


def _state_text(row: PlanSummary) -> str:
    missed = len(row.compliance.missed)
    if row.sync_state == "parked":
        return f"{row.state.value} (refused by the server)"
    if missed and row.state in (PlanState.BEHIND, PlanState.BROKEN):
        return f"{row.state.value} ({missed} missed)"
    return row.state.value


class InstallmentColumn(IntEnum):
    NUMBER = 0
    DUE = 1
    AMOUNT = 2
    PAID = 3
    OWED = 4
    STATE = 5
    LATE = 6


class InstallmentsModel(_AlignedModel[InstallmentCompliance]):
    columns = InstallmentColumn
    money_columns = frozenset({InstallmentColumn.AMOUNT, InstallmentColumn.PAID,
                               InstallmentColumn.OWED})  # fmt: skip
    headers = ("No.", "Due", "Amount", "Paid", "Owed", "Status", "Days late")

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context

    def text(self, row: InstallmentCompliance, column: InstallmentColumn) -> str:
        money = self.context.money
        late = str(row.days_late) if row.days_late else "—"
        if row.missed:
            late += " (missed)"
        return {
            InstallmentColumn.NUMBER: str(row.number),
            InstallmentColumn.DUE: self.context.day(row.due_date),
            InstallmentColumn.AMOUNT: money(row.amount_minor),
            InstallmentColumn.PAID: money(row.paid_minor),
            InstallmentColumn.OWED: money(row.outstanding_minor),
            InstallmentColumn.STATE: row.state.value,
            InstallmentColumn.LATE: late,
        }[column]

    def look(self, row: InstallmentCompliance, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole and row.state is InstallmentState.OVERDUE:
            return QBrush(stylesheet_colour("bad" if row.missed else "warn"))
        return None


class ScheduleColumn(IntEnum):
    NUMBER = 0
    DUE = 1
    AMOUNT = 2
    NOTE = 3


class ScheduleModel(_AlignedModel[ScheduledInstallment]):
    columns = ScheduleColumn
    money_columns = frozenset({ScheduleColumn.AMOUNT})
    headers = ("No.", "Due", "Amount", "")

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context

    def text(self, row: ScheduledInstallment, column: ScheduleColumn) -> str:
        note = "Down payment" if row.down_payment else "Paid into: kept" if row.kept else ""
        return {
            ScheduleColumn.NUMBER: str(row.number),
            ScheduleColumn.DUE: self.context.day(row.due_date),
            ScheduleColumn.AMOUNT: self.context.money(row.amount_minor),
            ScheduleColumn.NOTE: note,
        }[column]
