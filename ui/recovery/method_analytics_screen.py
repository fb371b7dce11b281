"""Payment-method analytics: failure, recovery, cost and churn per method, gateway, segment or
category over a period, a bar chart of the failure rate by method, and an export."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum

import pyqtgraph as pg
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserFacingError
from app.domain.table_report import TableReport
from app.recovery.analytics.metrics import GroupMetrics
from app.services.recovery_analytics import AnalyticsReport, analytics, analytics_table, percent
from app.services.recovery_database import shared_recovery_database
from ui.context import ClientContext
from ui.models.rows_model import RowsModel
from ui.ops import ServiceOp
from ui.widgets.charts import BAR_SHARE, CURRENT, CategoryAxis, ChartCard, SuffixAxis, colour
from ui.widgets.charts import _Chart as Chart
from ui.widgets.choices import choices_combo
from ui.widgets.export_button import ExportButton

PERIODS = (("Last 7 days", 7), ("Last 30 days", 30), ("Last 90 days", 90), ("Last 365 days", 365))
GROUPS = (("Method", "method"), ("Gateway", "gateway"), ("Segment", "segment"),
          ("Category", "category"))  # fmt: skip


@dataclass(frozen=True)
class AnalyticsPage:
    table: AnalyticsReport
    by_method: AnalyticsReport


class MetricColumn(IntEnum):
    KEY = 0
    FAILED = 1
    FAILURE = 2
    RECOVERY = 3
    DAYS = 4
    COST = 5
    CHURN = 6
    SATISFACTION = 7


class MethodMetricsModel(RowsModel[GroupMetrics]):
    columns = MetricColumn
    headers = ("Method", "Failed", "Failure rate", "Recovered", "Avg days", "Recovery cost",
               "Churn", "Satisfied")  # fmt: skip

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context

    def text(self, row: GroupMetrics, column: MetricColumn) -> str:
        if column is MetricColumn.KEY:
            return "All" if row.key == "all" else row.key.replace("_", " ")
        if column is MetricColumn.FAILED:
            return str(row.failed)
        if column is MetricColumn.FAILURE:
            return percent(row.failure_rate) or "unknown"
        if column is MetricColumn.RECOVERY:
            return f"{row.recovered} ({percent(row.recovery_rate) or '-'})"
        if column is MetricColumn.DAYS:
            return "" if row.avg_recovery_days is None else f"{row.avg_recovery_days:.1f}"
        if column is MetricColumn.COST:
            return self.context.money(row.recovery_cost_minor)
        if column is MetricColumn.CHURN:
            return percent(row.churn_rate)
        return percent(row.satisfaction_rate)


class FailureRateChart(Chart):
    """Horizontal bars: each method's failure rate, in percent."""

    slot_axis = "y"

    def __init__(self, parent: QWidget | None = None) -> None:
        self.names = CategoryAxis("left")
        super().__init__({"left": self.names, "bottom": SuffixAxis("bottom", "%")}, parent)
        self.setMinimumHeight(170)
        self.bars = pg.BarGraphItem(
            x0=[], y=[], height=BAR_SHARE, width=[], brush=colour(CURRENT), pen=pg.mkPen(None)
        )
        self.addItem(self.bars)

    def set_rates(self, rows: list[GroupMetrics]) -> None:
        shown = [r for r in rows if r.key != "all" and r.failure_rate is not None]
        self.tooltips = [
            f"{r.key}: {percent(r.failure_rate)} ({r.failed} of {r.charges} charges)" for r in shown
        ]
        widths = [100 * (r.failure_rate or 0.0) for r in shown]
        self.names.set_labels([r.key.replace("_", " ") for r in shown])
        self.bars.setOpts(x0=[0.0] * len(shown), y=list(range(len(shown))), width=widths)
        top = max(widths, default=0.0) or 1.0
        item = self.getPlotItem()
        item.invertY(True)
        item.setYRange(-0.6, max(len(shown), 1) - 0.4, padding=0)
        item.setXRange(0, top * 1.1, padding=0)
        item.getAxis("bottom").setStyle(showValues=bool(shown))  # no "0.2%" scale for nothing
        known = any(r.key != "all" for r in rows)
        empty = "No charge volume recorded: failure rates unknown" if known else "No failures"
        self._show_empty(None if shown else empty, (top * 0.55, len(shown) / 2 - 0.5))

    def bar_lengths(self) -> list[float]:
        return [float(w) for w in self.bars.opts["width"]]


class MethodAnalyticsScreen(QWidget):
    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("methodAnalyticsScreen")
        self._context = context
        self._page: AnalyticsPage | None = None
        heading = QLabel("Payment-method analytics")
        heading.setProperty("role", "heading")
        self.period = choices_combo(self, "analyticsPeriod", "Period", PERIODS, default=1)
        self.group = choices_combo(self, "analyticsGroup", "Group by", GROUPS)
        self.export_button = ExportButton("Payment-method analytics", self._report, self)
        self.notice = QLabel("")
        self.notice.setObjectName("analyticsNotice")
        self.notice.setProperty("role", "muted")
        self.notice.setWordWrap(True)
        self.model = MethodMetricsModel(context, self)
        self.table = QTableView()
        self.table.setObjectName("analyticsTable")
        self.table.setAccessibleName("Payment-method metrics")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.chart = FailureRateChart()
        self.chart_card = ChartCard("failureRate", "Failure rate by method", self.chart)
        self.chart_card.export_requested.connect(lambda _key: self.export_button.on_clicked())
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        for label, combo in (("Period", self.period), ("Group by", self.group)):
            top.addWidget(QLabel(label))
            top.addWidget(combo)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.chart_card, 2)
        self.period.currentIndexChanged.connect(self.refresh)
        self.group.currentIndexChanged.connect(self.refresh)

    def set_context(self, context: ClientContext) -> None:
        self._context = self.model.context = context

    def refresh(self) -> None:
        url = self._context.counter.recovery_db_url()
        by, days = self.group.currentData(), self.period.currentData()
        today = datetime.now(UTC).date()
        first = today - timedelta(days=days - 1)

        def load() -> AnalyticsPage:
            engine = shared_recovery_database(url)  # opened (and migrated) off the GUI thread
            table = analytics(engine, by, first, today)
            return AnalyticsPage(table, table if by == "method" else analytics(
                engine, "method", first, today
            ))  # fmt: skip

        ServiceOp(self, load, read=True).success(self._show).failure(self._failed).run()

    def _show(self, page: AnalyticsPage) -> None:
        self._page = page
        self.model.headers = (self.group.currentText(), *MethodMetricsModel.headers[1:])
        # Only the total row: nothing failed and no volume either - an empty table says it.
        self.model.set_rows(page.table.rows if len(page.table.rows) > 1 else [])
        self.chart.set_rates(page.by_method.rows)
        notes = [f"{page.table.date_from} to {page.table.date_to}."]
        if not page.table.volume_known:
            notes.append("No charge volume recorded for this period: failure rates are unknown.")
        if not page.table.rows[-1].failed:
            notes.append("No failed payments in this period.")
        self.notice.setText(" ".join(notes))

    def _failed(self, error: UserFacingError) -> None:
        self.notice.setText(error.message)

    def _report(self) -> TableReport:
        if self._page is None:
            raise UserFacingError("Nothing to export yet: the figures are still loading.")
        settings = self._context.settings
        return analytics_table(
            self._page.table, settings.currency, settings.locale, settings.timezone,
            datetime.now(UTC),
        )  # fmt: skip
