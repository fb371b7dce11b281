"""Alerts on payment-method metrics: the open ones, their history, Acknowledge for supervisors."""

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserFacingError
from app.services.recovery_alerts import (
    METRIC_TEXT,
    AlertEventView,
    AlertView,
    acknowledge,
    alert_history,
    evaluate,
    open_alerts,
    shown,
)
from app.services.recovery_database import shared_recovery_database
from ui.context import ClientContext
from ui.models.rows_model import RowsModel
from ui.ops import ServiceOp
from ui.widgets.style import stylesheet_colour

LEVEL_TONES = {"critical": "bad", "warning": "warn"}  # the stylesheet's colours


@dataclass(frozen=True)
class AlertsPage:
    open: list[AlertView]
    history: list[AlertEventView]


class OpenColumn(IntEnum):
    SEVERITY = 0
    METRIC = 1
    SCOPE = 2
    VALUE = 3
    THRESHOLD = 4
    SAMPLE = 5
    SINCE = 6
    ACKNOWLEDGED = 7


class OpenAlertsModel(RowsModel[AlertView]):
    columns = OpenColumn
    headers = ("Severity", "Metric", "Method / gateway", "Value", "Threshold", "Sample", "Since",
               "Acknowledged")  # fmt: skip

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context

    def text(self, row: AlertView, column: OpenColumn) -> str:
        return {
            OpenColumn.SEVERITY: row.level.capitalize(),
            OpenColumn.METRIC: METRIC_TEXT.get(row.metric, row.metric),
            OpenColumn.SCOPE: row.scope,
            OpenColumn.VALUE: shown(row.metric, row.value),
            OpenColumn.THRESHOLD: shown(row.metric, row.threshold),
            OpenColumn.SAMPLE: str(row.sample),
            OpenColumn.SINCE: self.context.moment(row.raised_at),
            OpenColumn.ACKNOWLEDGED: row.acknowledged_by or "",
        }[column]

    def look(self, row: AlertView, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole and row.level in LEVEL_TONES:
            return QBrush(stylesheet_colour(LEVEL_TONES[row.level]))
        return None


class HistoryColumn(IntEnum):
    AT = 0
    EVENT = 1
    LEVEL = 2
    METRIC = 3
    SCOPE = 4
    VALUE = 5


class AlertHistoryModel(RowsModel[AlertEventView]):
    columns = HistoryColumn
    headers = ("When", "Event", "Severity", "Metric", "Method / gateway", "Value")

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context

    def text(self, row: AlertEventView, column: HistoryColumn) -> str:
        return {
            HistoryColumn.AT: self.context.moment(row.at),
            HistoryColumn.EVENT: row.kind.capitalize(),
            HistoryColumn.LEVEL: row.level.capitalize(),
            HistoryColumn.METRIC: METRIC_TEXT.get(row.metric, row.metric),
            HistoryColumn.SCOPE: row.scope,
            HistoryColumn.VALUE: shown(row.metric, row.value),
        }[column]


def _table(name: str, accessible: str, model: RowsModel) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class AlertsScreen(QWidget):
    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryAlertsScreen")
        self._context = context
        heading = QLabel("Alerts")
        heading.setProperty("role", "heading")
        self.summary = QLabel("")
        self.summary.setObjectName("alertsSummary")
        self.summary.setProperty("role", "muted")
        self.error = QLabel("")
        self.error.setObjectName("alertsError")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.check_button = self._button("alertsCheck", "Check now")
        self.check_button.clicked.connect(self.on_check_button_clicked)
        self.ack_button = self._button("alertsAcknowledge", "Acknowledge")
        self.ack_button.clicked.connect(self.on_ack_button_clicked)
        self.open_model = OpenAlertsModel(context, self)
        self.open_table = _table("alertsOpenTable", "Open alerts", self.open_model)
        self.open_table.selectionModel().selectionChanged.connect(self._enable_ack)
        self.history_model = AlertHistoryModel(context, self)
        self.history_table = _table("alertsHistoryTable", "Alert history", self.history_model)
        history_heading = QLabel("History")
        history_heading.setProperty("role", "subheading")
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.check_button)
        top.addWidget(self.ack_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.open_table, 3)
        layout.addWidget(history_heading)
        layout.addWidget(self.history_table, 2)
        self.set_context(context)

    @staticmethod
    def _button(name: str, text: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.setAutoDefault(False)
        return button

    def set_context(self, context: ClientContext) -> None:
        self._context = context
        self.open_model.context = self.history_model.context = context
        # Acknowledging and evaluating are a supervisor's; everyone allowed here may look.
        self.ack_button.setVisible(context.is_supervisor)
        self.check_button.setVisible(context.is_supervisor)
        self._enable_ack()

    def refresh(self) -> None:
        url = self._context.counter.recovery_db_url()

        def load() -> AlertsPage:
            engine = shared_recovery_database(url)  # opened (and migrated) off the GUI thread
            return AlertsPage(open_alerts(engine), alert_history(engine))

        ServiceOp(self, load, read=True).success(self._show).failure(self._failed).run()

    def _show(self, page: AlertsPage) -> None:
        self.error.hide()
        self.open_model.set_rows(page.open)
        self.history_model.set_rows(page.history)
        critical = sum(1 for a in page.open if a.level == "critical")
        if page.open:
            self.summary.setText(f"{len(page.open)} open alert(s), {critical} critical")
        else:
            self.summary.setText("No open alerts. Failure and recovery rates are within limits.")
        self._enable_ack()

    def _failed(self, error: UserFacingError) -> None:
        self.error.setText(error.message)
        self.error.show()

    def selected(self) -> AlertView | None:
        rows = self.open_table.selectionModel().selectedRows()
        return self.open_model.row_at(rows[0].row()) if rows else None

    def _enable_ack(self, *_args: object) -> None:
        alert = self.selected()
        self.ack_button.setEnabled(alert is not None and not alert.acknowledged_by)

    def on_ack_button_clicked(self) -> None:
        alert, who = self.selected(), self._context.username
        if alert is None or who is None or not self._context.is_supervisor:
            return
        self.ack_button.setEnabled(False)
        url = self._context.counter.recovery_db_url()

        def ack() -> AlertView:
            return acknowledge(shared_recovery_database(url), alert.id, who, datetime.now(UTC))

        op = ServiceOp(self, ack)
        op.success(lambda _alert: self.refresh()).failure(self._failed).run()

    def on_check_button_clicked(self) -> None:
        if not self._context.is_supervisor:
            return
        url = self._context.counter.recovery_db_url()
        op = ServiceOp(self, lambda: evaluate(shared_recovery_database(url), datetime.now(UTC)))
        op.success(lambda _changes: self.refresh()).failure(self._failed).run()
