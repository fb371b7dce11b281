"""Recovery analytics for a billing manager: recovery rate, recovered amount, time to recover
and attempts per recovery by segment, reminder channel or decline category; when charges
succeed (hour of day against day of month, a pyqtgraph heatmap); Enter on a row drills down to
its cases in the queue; Export writes every dimension's rows. At a counter without the recovery
database the figures come from the server's copy of the cases as of the last sync."""

from datetime import UTC, datetime, timedelta
from enum import IntEnum
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.domain.errors import UserFacingError
from app.domain.table_report import TableReport
from app.services.recovery_case_analytics import (
    DIMENSION_TEXT,
    DIMENSIONS,
    CaseAnalytics,
    RecoveryGroup,
    case_analytics_table,
)
from app.services.recovery_case_analytics_synced import load_case_analytics
from ui.context import ClientContext
from ui.models.rows_model import RowsModel
from ui.ops import ServiceOp
from ui.recovery.smart_collect_common import money, read_only_table
from ui.widgets.charts import AXIS, CategoryAxis, colour
from ui.widgets.charts import _Chart as Chart
from ui.widgets.choices import choices_combo
from ui.widgets.export_button import ExportButton
from ui.widgets.style import stylesheet_colour

PERIODS = (("Last 30 days", 30), ("Last 90 days", 90), ("Last 365 days", 365))


class GroupColumn(IntEnum):
    KEY = 0
    CASES = 1
    RECOVERED = 2
    RATE = 3
    AMOUNT = 4
    DAYS = 5
    ATTEMPTS = 6


class GroupModel(RowsModel[RecoveryGroup]):
    columns = GroupColumn
    headers = ("Segment", "Cases", "Recovered", "Recovery rate", "Recovered amount",
               "Days to recover", "Attempts per recovery")  # fmt: skip

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context

    def _amounts(self, pairs: tuple[tuple[str, int], ...]) -> str:
        """Money as the branch writes it, one amount per currency."""
        return ", ".join(money(self.context, minor, cur) for cur, minor in pairs) or money(
            self.context, 0, ""
        )

    def data(self, index: QModelIndex, role: int = 0) -> Any:  # type: ignore[override]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() != GroupColumn.KEY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)

    def text(self, row: RecoveryGroup, column: GroupColumn) -> str:
        if column is GroupColumn.KEY:
            return "All" if row.key == "all" else row.key.replace("_", " ")
        if column is GroupColumn.CASES:
            return str(row.cases)
        if column is GroupColumn.RECOVERED:
            return str(row.recovered)
        if column is GroupColumn.RATE:
            return "" if row.recovery_rate is None else f"{100 * row.recovery_rate:.1f} %"
        if column is GroupColumn.AMOUNT:
            text = self._amounts(row.recovered_minor)
            if row.written_off_minor:  # discounts forgiven: recovered + written off = owed
                text += f" ({self._amounts(row.written_off_minor)} written off)"
            return text
        if column is GroupColumn.DAYS:
            return "" if row.avg_days_to_recover is None else f"{row.avg_days_to_recover:.1f}"
        return "" if row.attempts_per_recovery is None else f"{row.attempts_per_recovery:.2f}"

    def look(self, row: RecoveryGroup, role: int) -> object:
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Enter: the {row.cases} case(s) in the queue"
        return None


class SuccessHeatmap(Chart):
    """Approval rate of charges by the consumer's hour of day (x) and day of month (y)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.hours = CategoryAxis("bottom")
        self.day_axis = CategoryAxis("left")
        super().__init__({"bottom": self.hours, "left": self.day_axis}, parent)
        self.setMinimumHeight(200)
        self.hours.set_labels([f"{h:02d}" if h % 3 == 0 else "" for h in range(24)])
        self.day_axis.set_labels([str(d) if d % 5 == 0 or d == 1 else "" for d in range(1, 32)])
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-1)  # under the "No charges yet" text
        self.addItem(self.image)
        item = self.getPlotItem()
        item.invertY(True)
        item.setXRange(-0.5, 23.5, padding=0)
        item.setYRange(-0.5, 30.5, padding=0)
        self.rates = np.full((31, 24), np.nan)

    def set_counts(self, attempts: list[list[int]], approved: list[list[int]]) -> None:
        tried = np.array(attempts, dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.rates = np.where(tried > 0, np.array(approved, dtype=float) / tried, np.nan)
        bad, good = stylesheet_colour("bad"), stylesheet_colour("good")
        low, high = np.array(bad.getRgb()[:3], float), np.array(good.getRgb()[:3], float)
        blank = np.array(pg.mkColor(colour(AXIS)).getRgb()[:3], float) * 0.2 + 255 * 0.8
        share = np.nan_to_num(self.rates)[..., None]
        rgb = np.where(np.isnan(self.rates)[..., None], blank, low + (high - low) * share)
        self.image.setImage(rgb.astype(np.uint8), levels=(0, 255))
        # After the image: setRect scales what is there. Cell (hour, day - 1) on its slot.
        self.image.setRect(-0.5, -0.5, 24, 31)
        self.tooltips = []  # the slots are two-dimensional: the table says the figures
        empty = not np.any(tried)
        self._show_empty("No charges yet" if empty else None, (11.5, 15))

    def cells_with_charges(self) -> int:
        return int(np.count_nonzero(~np.isnan(self.rates)))


class RecoveryAnalyticsScreen(QWidget):
    back_requested = Signal()  # Esc: the main window goes back to where F8 was pressed

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryCaseAnalyticsScreen")
        self._context = context
        self.report: CaseAnalytics | None = None
        self._drill_window: QWidget | None = None
        heading = QLabel("Recovery analytics")
        heading.setProperty("role", "heading")
        self.period = choices_combo(self, "rcaPeriod", "Period", PERIODS, default=1)
        self.dimension = choices_combo(
            self, "rcaDimension", "Group by", tuple((DIMENSION_TEXT[d], d) for d in DIMENSIONS)
        )
        self.export_button = ExportButton("Recovery analytics", self._table_report, self)
        self.notice = QLabel("")
        self.notice.setObjectName("rcaNotice")
        self.notice.setProperty("role", "muted")
        self.notice.setWordWrap(True)
        self.model = GroupModel(context, self)
        self.table = read_only_table("rcaTable", "Recovery by group", self.model)
        self.table.activated.connect(self._on_table_activated)
        QShortcut(QKeySequence("Escape"), self, self.back_requested.emit,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip
        self.heatmap = SuccessHeatmap()
        self.heatmap.setObjectName("rcaHeatmap")
        self.heatmap.setAccessibleName("Approval rate by hour of day and day of month")
        caption = QLabel("When charges succeed: consumer-local hour of day (across) and day of "
                         "the month (down); green approved, red declined, grey none.")  # fmt: skip
        caption.setProperty("role", "muted")
        caption.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        for label, combo in (("Period", self.period), ("Group by", self.dimension)):
            top.addWidget(QLabel(label))
            top.addWidget(combo)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.table, 3)
        layout.addWidget(caption)
        layout.addWidget(self.heatmap, 3)
        self.period.currentIndexChanged.connect(self.refresh)
        self.dimension.currentIndexChanged.connect(self._show_groups)

    def set_context(self, context: ClientContext) -> None:
        self._context = self.model.context = context

    def refresh(self) -> None:
        counter, days = self._context.counter, self.period.currentData()
        today = datetime.now(UTC).date()

        def load() -> CaseAnalytics:
            return load_case_analytics(counter, today - timedelta(days=days - 1), today)

        ServiceOp(self, load, read=True).success(self._show).failure(self._failed).run()

    def _show(self, report: CaseAnalytics) -> None:
        self.report = report
        self._show_groups()
        self.heatmap.set_counts(report.attempts, report.approved)
        day = self._context.day
        period = f"Cases failed {day(report.date_from)} to {day(report.date_to)}."
        if report.synced:  # no recovery database here: computed from the cases synced
            when = self._context.moment(report.as_of) if report.as_of else "no sync yet"
            period += f" Computed from the server's copy as of {when}."
            period += f" {report.offline_gaps}" if report.offline_gaps else ""
        self.notice.setText(
            f"{period} No cases yet." if report.empty
            else f"{period} Enter on a row lists its cases in the recovery queue."
        )  # fmt: skip
        self.table.setFocus()

    def _show_groups(self, *_args: object) -> None:
        self.model.headers = (self.dimension.currentText(), *GroupModel.headers[1:])
        groups = self.report.groups[self.dimension.currentData()] if self.report else []
        self.model.set_rows(groups if len(groups) > 1 or (groups and groups[0].cases) else [])
        if self.model.rowCount():
            self.table.selectRow(0)

    def _failed(self, error: UserFacingError) -> None:
        self.notice.setText(error.message)

    def _table_report(self) -> TableReport:
        if self.report is None:
            raise UserFacingError("Nothing to export yet: the figures are still loading.")
        s = self._context.settings
        return case_analytics_table(self.report, s.currency, s.locale, s.timezone,
                                    datetime.now(UTC))  # fmt: skip

    def _on_table_activated(self, index: object) -> None:
        group = self.model.row_at(index.row())  # type: ignore[attr-defined]
        if group is not None and group.cases:
            name = "all cases" if group.key == "all" else group.key.replace("_", " ")
            self.drill_down(f"{self.dimension.currentText()}: {name}", frozenset(group.case_ids))

    def drill_down(self, title: str, case_ids: frozenset[str]) -> None:
        """The queue, in the main window when there is one, showing just these cases."""
        from ui.recovery.names import QUEUE
        from ui.recovery.queue_screen import RecoveryQueueScreen

        window = self.window()
        entries = getattr(window, "recovery_entries", [])
        entry = next((e for e in entries if e.name == QUEUE), None)
        if entry is not None and hasattr(window, "show_recovery_entry"):
            window.show_recovery_entry(entry)
            queue = window.screens.get(QUEUE)  # type: ignore[attr-defined]
            if queue is not None:
                queue.show_cases(title, case_ids)
                return
        self._drill_window = RecoveryQueueScreen(self._context)
        self._drill_window.resize(1000, 600)
        self._drill_window.show()
        self._drill_window.show_cases(title, case_ids)
