"""The five tabs of a consumer's Smart Collect view, as the seed lays them out: Dashboard,
Upcoming collections, Recommendations (with the risk signals), Behavioural insights, History."""

from decimal import Decimal
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import minor_digits
from app.recovery.smart_collect.recommendations import Recommendation
from app.recovery.smart_collect.signals import RiskSignal
from app.recovery.smart_collect.summary import Kpi
from app.recovery.smart_collect.upcoming import UpcomingCollection
from app.services.smart_collect import HistoryEntry, SmartCollectView
from ui.context import ClientContext
from ui.models.rows_model import RowsModel
from ui.recovery.smart_collect_charts import IncomeChart, SpendingChart, StatusPie
from ui.recovery.smart_collect_common import (
    band_brush,
    band_text,
    button,
    chance_text,
    money,
    money_in_text,
    read_only_table,
)
from ui.widgets.style import stylesheet_colour

INSIGHTS_LEGEND = (
    "Left: expected credits by day of the month, the optimal collection window shaded. "
    "Right: low-balance days (tall) and high-spending days."
)
SEVERITY_TONES = {"HIGH": "bad", "MEDIUM": "warn", "LOW": "good"}


def _card(name: str, title: str) -> tuple[QFrame, QLabel]:
    frame = QFrame()
    frame.setObjectName(name)
    frame.setProperty("role", "card")
    caption = QLabel(title)
    caption.setProperty("role", "muted")
    value = QLabel("-")
    value.setObjectName(f"{name}Value")
    value.setProperty("role", "subheading")
    value.setAccessibleName(title)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(12, 8, 12, 8)
    layout.addWidget(caption)
    layout.addWidget(value)
    return frame, value


class ViewModel(RowsModel[Any]):
    """A table over one list of the view; `cells(row)` gives a row's texts in column order."""

    def __init__(self, context: ClientContext, headers: tuple[str, ...], parent: QWidget) -> None:
        super().__init__(parent)
        self.context, self.headers, self.currency = context, headers, "USD"
        self.columns = IntEnum("Columns", [(f"C{i}", i) for i in range(len(headers))])

    right_aligned: tuple[int, ...] = ()  # columns of amounts and counts

    def text(self, row: Any, column: IntEnum) -> str:
        return self.cells(row)[int(column)]

    def data(self, index: Any, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.right_aligned:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)

    def cells(self, row: Any) -> list[str]:
        raise NotImplementedError

    def look(self, row: Any, role: int) -> object:
        if role == Qt.ItemDataRole.ToolTipRole:
            return " · ".join(self.cells(row))
        return None


MINOR_UNITS = " (minor units)"  # the engine's cost KPI: shown here as money


class KpiModel(ViewModel):
    right_aligned = (2,)

    def cells(self, row: Kpi) -> list[str]:
        state = "met" if row.met else "not met"
        if row.name.endswith(MINOR_UNITS):
            sign, _, target = row.target.partition(" ")
            return [row.name.removesuffix(MINOR_UNITS), f"{sign} {self._money(target)}",
                    self._money(row.actual), state]  # fmt: skip
        unit = " %" if row.target.endswith("%") else ""
        return [row.name, row.target, f"{row.actual:g}{unit}", state]

    def _money(self, minor: object) -> str:
        # Whole minor units (the KPI rounds them; the target is text): no float on the way.
        return money(self.context, int(Decimal(str(minor))), self.currency)

    def look(self, row: Kpi, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole:
            return stylesheet_colour("good" if row.met else "bad")
        return super().look(row, role)


class UpcomingModel(ViewModel):
    right_aligned = (2, 6)

    def cells(self, row: UpcomingCollection) -> list[str]:
        window = (
            f"{self.context.day(row.window.start)} - {self.context.day(row.window.end)}"
            if row.window else "unknown"
        )  # fmt: skip
        suggested = self.context.day(row.suggested_date) if row.suggested_date else ""
        return [
            row.collection_id, row.kind, money(self.context, row.amount_minor, row.currency),
            self.context.day(row.scheduled_date), window, suggested,
            chance_text(self.context, row.collection_probability), band_text(row.status.value),
        ]  # fmt: skip

    def look(self, row: UpcomingCollection, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole:
            return band_brush(row.status.value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.basis
        return None


def _words(code: str) -> str:
    """'EARLY_REMINDER' -> 'Early reminder'."""
    return code.replace("_", " ").capitalize()


class RecommendationModel(ViewModel):
    def cells(self, row: Recommendation) -> list[str]:
        # A flexible plan's reason quotes the signals' descriptions, amounts and all.
        return [row.priority.capitalize(), _words(row.recommendation_type),
                money_in_text(self.context, row.reason),
                money_in_text(self.context, row.expected_impact),
                money_in_text(self.context, row.action_required)]  # fmt: skip


class SignalModel(ViewModel):
    def cells(self, row: RiskSignal) -> list[str]:
        return [str(row.severity).capitalize(), _words(row.signal_type),
                money_in_text(self.context, row.description),
                self.context.day(row.detected_date)]  # fmt: skip

    def look(self, row: RiskSignal, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole:
            return stylesheet_colour(SEVERITY_TONES.get(str(row.severity), "good"))
        return super().look(row, role)


class HistoryModel(ViewModel):
    right_aligned = (2, 3)

    def cells(self, row: HistoryEntry) -> list[str]:
        return [
            self.context.moment(row.attempted_at), row.collection_id, str(row.attempt_number),
            money(self.context, row.amount_minor, self.currency), row.status.capitalize(),
            (row.category or "").replace("_", " "), row.method.replace("_", " "),
        ]  # fmt: skip

    def look(self, row: HistoryEntry, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole:
            return stylesheet_colour("good" if row.status == "SUCCESS" else "bad")
        return super().look(row, role)


class DashboardTab(QWidget):
    CARDS = (("scScheduled", "Scheduled collections"), ("scSuccess", "Success rate"),
             ("scCollected", "Amount collected"), ("scCostSaved", "Cost saved"))  # fmt: skip

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        cards = QHBoxLayout()
        self.values: dict[str, QLabel] = {}
        for name, title in self.CARDS:
            frame, self.values[name] = _card(name, title)
            cards.addWidget(frame)
        self.pie = StatusPie()
        self.kpis = KpiModel(context, ("KPI", "Target", "Actual", "Target met"), self)
        self.kpi_table = read_only_table("scKpis", "KPI targets against actuals", self.kpis)
        self.notes = QLabel("")
        self.notes.setObjectName("scDashboardNotes")
        self.notes.setProperty("role", "muted")
        self.notes.setWordWrap(True)
        middle = QHBoxLayout()
        middle.addWidget(self.pie, 2)
        middle.addWidget(self.kpi_table, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(cards)
        layout.addWidget(self.notes)
        layout.addLayout(middle, 1)

    def show_view(self, view: SmartCollectView) -> None:
        s = view.summary
        self.values["scScheduled"].setText(str(s.total_scheduled))
        self.values["scSuccess"].setText(f"{s.collection_success_rate:.1f} %")
        self.values["scCollected"].setText(
            money(self.context, s.total_amount_collected_minor, view.currency)
        )
        self.values["scCostSaved"].setText(money(self.context, s.cost_saved_minor, view.currency))
        self.pie.set_counts(s.successful_collections, s.failed_collections,
                            s.pending_collections)  # fmt: skip
        self.kpis.currency = view.currency
        self.kpis.set_rows(view.kpis)
        pending = money(self.context, s.total_amount_pending_minor, view.currency)
        per_retry = money(self.context, s.cost_per_retry_minor, view.currency)
        self.notes.setText(
            f"{pending} pending · {s.average_retry_count:.1f} attempts per collection · cost "
            f"saved against a 30 % first-attempt baseline at {per_retry} per retry"
        )
        self.notes.setToolTip(f"Bands: {view.calibration}")


class UpcomingTab(QWidget):
    HEADERS = ("Collection", "Kind", "Amount", "Scheduled", "Optimal window", "Suggested",
               "Probability", "Band")  # fmt: skip

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = UpcomingModel(context, self.HEADERS, self)
        self.table = read_only_table("scUpcoming", "Upcoming collections", self.model)
        self.reschedule_button = button("scReschedule", "&Reschedule to optimal")
        self.attempt_button = button("scAttemptNow", "&Attempt now")
        self.empty = QLabel("")
        self.empty.setObjectName("scUpcomingEmpty")
        self.empty.setProperty("role", "muted")
        self.empty.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.empty, 1)
        actions.addWidget(self.reschedule_button)
        actions.addWidget(self.attempt_button)
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        self.set_context(context)

    def set_context(self, context: ClientContext) -> None:
        self.model.context = context
        self.attempt_button.setVisible(context.is_supervisor)  # the seed: supervisors only

    def show_view(self, view: SmartCollectView) -> None:
        self.model.set_rows(view.upcoming)
        window = view.next_window
        self.empty.setText(
            ("No collection scheduled. " if not view.upcoming else "")
            + (f"Next optimal window {self.model.context.day(window.start)} - "
               f"{self.model.context.day(window.end)}: {window.reason.rstrip('.')}"
               if window else "The income pattern is not known yet: no optimal window.")
            + f". Bands: {view.calibration}."
        )  # fmt: skip
        if view.upcoming:
            self.table.selectRow(0)
        self.reschedule_button.setEnabled(bool(view.upcoming))
        self.attempt_button.setEnabled(bool(view.upcoming))

    def selected(self) -> UpcomingCollection | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None


class RecommendationsTab(QWidget):
    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recommendations = RecommendationModel(
            context, ("Priority", "Type", "Reason", "Expected impact", "Action"), self
        )
        self.signals = SignalModel(context, ("Severity", "Signal", "Description", "Detected"),
                                   self)  # fmt: skip
        signals_heading = QLabel("Risk signals")
        signals_heading.setProperty("role", "subheading")
        self.table = read_only_table("scRecommendations", "Recommendations", self.recommendations)
        self.signal_table = read_only_table("scSignals", "Risk signals", self.signals)
        for table, long_columns in ((self.table, (2, 4)), (self.signal_table, (2,))):
            table.setWordWrap(True)  # reasons and actions are sentences: show them whole
            for column in long_columns:
                table.horizontalHeader().setSectionResizeMode(
                    column, QHeaderView.ResizeMode.Stretch
                )
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 3)
        layout.addWidget(signals_heading)
        layout.addWidget(self.signal_table, 2)

    def show_view(self, view: SmartCollectView) -> None:
        self.recommendations.set_rows(view.recommendations)
        self.signals.set_rows(view.signals)
        self.table.resizeRowsToContents()
        self.signal_table.resizeRowsToContents()


class InsightsTab(QWidget):
    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.salary = QLabel("")
        self.spending = QLabel("")
        self.behaviour = QLabel("")
        grid = QGridLayout()
        for column, (name, title, label) in enumerate(
            (("scSalary", "Salary credit pattern", self.salary),
             ("scSpending", "Spending pattern", self.spending),
             ("scBehaviour", "Payment behaviour", self.behaviour))
        ):  # fmt: skip
            heading = QLabel(title)
            heading.setProperty("role", "subheading")
            label.setObjectName(name)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignTop)
            grid.addWidget(heading, 0, column)
            grid.addWidget(label, 1, column)
        self.income_chart = IncomeChart()
        self.income_chart.setObjectName("scIncomeChart")
        self.income_chart.setAccessibleName("Income pattern by day of the month")
        self.spending_chart = SpendingChart()
        self.spending_chart.setObjectName("scSpendingChart")
        self.spending_chart.setAccessibleName("Low-balance and high-spending days")
        charts = QHBoxLayout()
        charts.addWidget(self.income_chart)
        charts.addWidget(self.spending_chart)
        legend = QLabel(INSIGHTS_LEGEND)
        legend.setProperty("role", "muted")
        legend.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addLayout(charts, 1)
        layout.addWidget(legend)

    def show_view(self, view: SmartCollectView) -> None:
        income, spending, behaviour = view.income, view.spending, view.behaviour
        amount = money(self.context, income.typical_amount_minor, view.currency)
        self.salary.setText(
            f"{str(income.kind).replace('_', ' ')} from {income.source} ({income.credits})\n"
            f"Typical day: {income.typical_day or '-'}\nTypical amount: {amount}\n"
            f"Consistency: {income.consistency:.0f}/100 (CV {income.amount_cv:.2f})"
        )
        average = spending.average_balance_minor
        self.spending.setText(
            f"High spending: {_days(spending.high_spending_days)}\n"
            f"Low balance: {_days(spending.low_balance_days)}\n"
            "Average balance: "
            + (money(self.context, average, view.currency) if average is not None else "unknown")
        )
        self.behaviour.setText(
            f"Preferred time: {behaviour.preferred_payment_time}\n"
            f"Punctuality: {behaviour.punctuality:.0f}/100 ({behaviour.bills} bills)\n"
            f"Average delay: {behaviour.average_delay_days:.1f} days"
        )
        self.income_chart.set_pattern(income, minor_digits(view.currency))
        self.spending_chart.set_days(spending.low_balance_days, spending.high_spending_days)


def _days(days: tuple[int, ...]) -> str:
    return ", ".join(f"day {d}" for d in days) or "none seen"


class HistoryTab(QWidget):
    HEADERS = ("When", "Collection", "Attempt", "Amount", "Status", "Decline", "Method")

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = HistoryModel(context, self.HEADERS, self)
        self.table = read_only_table("scHistory", "Collection history", self.model)
        self.methods = QLabel("")
        self.methods.setObjectName("scMethods")
        self.methods.setProperty("role", "muted")
        self.methods.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.methods)
        layout.addWidget(self.table, 1)

    def show_view(self, view: SmartCollectView) -> None:
        self.model.currency = view.currency
        self.model.set_rows(view.history)
        by_method: dict[str, list[int]] = {}
        for entry in view.history:
            tally = by_method.setdefault(entry.method or "unknown", [0, 0])
            tally[0] += entry.status == "SUCCESS"
            tally[1] += 1
        self.methods.setText(
            "By method: " + "; ".join(
                f"{m.replace('_', ' ')} {ok} of {n} succeeded" for m, (ok, n) in by_method.items()
            ) if by_method else "No collection attempts yet."
        )  # fmt: skip
