"""The Experiments screen: the A/B tests, the chosen one's arms, tests, recommendation and a
chart of each arm's cumulative recovery rate; billing managers can stop a test."""

from datetime import UTC, date, datetime
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.experiments import list_experiments, stop_experiment
from app.services.experiments_results import experiment_results
from app.services.recovery_database import shared_recovery_database
from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.recovery.entries import MANAGERS
from ui.recovery.experiments_models import ArmModel, ExperimentListModel, p_value
from ui.widgets.charts import DAYS, colour
from ui.widgets.style import stylesheet_colour

# Okabe-Ito: arms stay apart for colour-blind eyes too; each arm also has its own marker.
ARM_TONES = tuple(f"chartArm{n}" for n in range(7))  # colour-blind-safe, in the stylesheet
MARKERS = ("o", "s", "t", "d", "+", "x", "star")
HEADLINES = {
    "adopt": "Adopt {variant}",
    "keep_control": "Keep the control, {variant}",
    "keep_running": "Keep the test running: too early to decide",
}
NO_DATA = "No outcomes recorded yet"


def _day_number(text: str) -> float:
    """A day as seconds since the epoch, the x-axis pyqtgraph's date axis reads."""
    return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC).timestamp()


class ArmChart(pg.PlotWidget):
    """Each arm's cumulative recovery rate (%) by day, one line per arm."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, axisItems={"bottom": pg.DateAxisItem("bottom")})
        self.setObjectName("experimentChart")
        self.setAccessibleName("Recovery rate of each variant over time")
        self.setBackground(None)
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.setMenuEnabled(False)
        item = self.getPlotItem()
        item.setLabel("left", "recovered %")
        item.showGrid(y=True, alpha=0.2)
        self.legend = item.addLegend(offset=(10, 10))
        self.lines: dict[str, pg.PlotDataItem] = {}
        self.empty = pg.TextItem(NO_DATA, anchor=(0.5, 0.5), color=colour(DAYS))
        item.addItem(self.empty, ignoreBounds=True)

    def set_timeline(self, timeline: dict[str, list[dict[str, Any]]]) -> None:
        item = self.getPlotItem()
        for line in self.lines.values():
            item.removeItem(line)
        self.legend.clear()
        self.lines = {}
        for index, (arm, points) in enumerate(timeline.items()):
            pen = pg.mkPen(stylesheet_colour(ARM_TONES[index % len(ARM_TONES)]), width=2)
            line = item.plot(
                [_day_number(p["date"]) for p in points],
                [100 * p["rate"] for p in points],
                pen=pen,
                symbol=MARKERS[index % len(MARKERS)],
                symbolSize=6,
                symbolBrush=pen.color(),
                name=arm,
            )
            self.lines[arm] = line
        has_points = any(timeline.values())
        self.empty.setVisible(not has_points)
        # No dates to show: no ticks either (the date axis would print fractions of 1970).
        item.getAxis("bottom").setTicks(None if has_points else [[]])
        if not has_points:
            item.setXRange(0, 1, padding=0)
            self.empty.setPos(0.5, 50)
        item.setYRange(0, 100, padding=0.04)

    def series(self) -> dict[str, list[float]]:
        """The plotted rates (%) per arm, for tests and the accessible description."""
        plotted = {}
        for arm, line in self.lines.items():
            ys = line.getData()[1]
            plotted[arm] = [] if ys is None else [float(v) for v in ys]
        return plotted


def _table(name: str, accessible: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ExperimentsScreen(QWidget):
    experiment_stopped = Signal(int)
    results_shown = Signal(int)

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("experimentsScreen")
        self.context = context
        self.url = context.counter.recovery_db_url()
        self.experiments = ExperimentListModel()
        self.arms = ArmModel()
        self.results: dict[str, Any] | None = None
        self._build()
        self.refresh()

    @property
    def can_stop(self) -> bool:
        return self.context.actor is not None and self.context.actor.role in MANAGERS

    def _build(self) -> None:
        self.list_view = _table("experimentList", "Experiments")
        self.list_view.setModel(self.experiments)
        self.list_view.selectionModel().selectionChanged.connect(
            self.on_list_view_selection_changed
        )
        self.list_view.setFixedWidth(340)
        self.list_view.horizontalHeader().setStretchLastSection(False)
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_view.horizontalHeader().setSectionResizeMode(
            ExperimentListModel.NAME, QHeaderView.ResizeMode.Stretch
        )
        self.heading = QLabel("Choose an experiment", objectName="experimentHeading")
        self.heading.setWordWrap(True)
        self.arm_view = _table("experimentArms", "Variants of the experiment")
        self.arm_view.setModel(self.arms)
        self.arm_view.setMaximumHeight(130)
        self.tests = QLabel(objectName="experimentTests")
        self.tests.setWordWrap(True)
        self.advice = QLabel(objectName="experimentRecommendation")
        self.advice.setWordWrap(True)
        self.advice.setAccessibleName("Recommendation")
        self.chart = ArmChart()
        self.refresh_button = QPushButton("Refresh", objectName="experimentRefresh")
        self.refresh_button.setAccessibleName("Refresh the experiments")
        self.refresh_button.clicked.connect(self.refresh)
        self.stop_button = QPushButton("Stop experiment", objectName="experimentStop")
        self.stop_button.setAccessibleName("Stop the chosen experiment")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.on_stop_button_clicked)
        self.stop_button.setVisible(self.can_stop)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        buttons.addWidget(self.stop_button)
        detail = QVBoxLayout()
        for widget in (self.heading, self.arm_view, self.tests, self.advice):
            detail.addWidget(widget)
        detail.addWidget(self.chart, 1)
        detail.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.list_view)
        layout.addLayout(detail, 1)

    # -- loading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        url = self.url
        ServiceOp(self, lambda: list_experiments(shared_recovery_database(url)), read=True).success(
            self._listed
        ).run()

    def _listed(self, rows: list[dict[str, Any]]) -> None:
        chosen = self.results["id"] if self.results else None
        self.experiments.set_rows(rows)
        ids = [r["id"] for r in rows]
        if rows:
            self.list_view.selectRow(ids.index(chosen) if chosen in ids else 0)
        else:
            self.show_results(None)

    def on_list_view_selection_changed(
        self, selected: QItemSelection, _old: QItemSelection
    ) -> None:
        if not selected.indexes():
            return
        experiment_id = self.experiments.rows[selected.indexes()[0].row()]["id"]
        url, now = self.url, datetime.now(UTC)
        ServiceOp(
            self,
            lambda: experiment_results(shared_recovery_database(url), experiment_id, now),
            read=True,
        ).success(self.show_results).run()

    def show_results(self, results: dict[str, Any] | None) -> None:
        self.results = results
        if results is None:
            self.heading.setText(
                "No experiments yet: create one with `tilldesk experiments create`."
            )
            self.arms.set_rows([])
            self.tests.setText("")
            self.advice.setText("")
            self.chart.set_timeline({})
            self.stop_button.setEnabled(False)
            return
        self.heading.setText(
            f"<b>{results['name']}</b> · {results['strategy'].replace('_', ' ')} · "
            f"{results['status']} · control {results['control']}"
        )
        self.arms.set_results(results)
        tests = results["tests"]
        self.tests.setText(
            f"Chi-square p {p_value(tests['chi_square']['p_value'])} · "
            f"Welch t (days) p {p_value(tests['t_test']['p_value'])} · "
            f"Mann-Whitney U (days) p {p_value(tests['mann_whitney']['p_value'])}"
        )
        advice = results["recommendation"]
        headline = HEADLINES[advice["decision"]].format(variant=advice["variant"])
        self.advice.setText(
            "<br>".join([f"<b>{headline}</b>", *advice["warnings"], *advice["reasons"]])
        )
        self.chart.set_timeline(results["timeline"])
        self.stop_button.setEnabled(self.can_stop and results["status"] == "running")
        self.results_shown.emit(results["id"])

    # -- stopping --------------------------------------------------------------------------
    def confirm_stop(self, name: str) -> bool:
        answer = QMessageBox.question(
            self,
            "Stop experiment",
            f"Stop “{name}”? No new consumers join it and its arms stop applying; "
            "its results stay.",
        )
        return answer == QMessageBox.StandardButton.Yes

    def on_stop_button_clicked(self) -> None:
        if self.results is None or not self.can_stop or not self.confirm_stop(self.results["name"]):
            return
        url, experiment_id = self.url, self.results["id"]
        who = self.context.username or "unknown"
        ServiceOp(
            self,
            lambda: stop_experiment(
                shared_recovery_database(url), experiment_id, by=who, now=datetime.now(UTC)
            ),
        ).success(lambda _row: self._stopped(experiment_id)).run()

    def _stopped(self, experiment_id: int) -> None:
        self.experiment_stopped.emit(experiment_id)
        self.refresh()
