"""The supervisor dashboard: period KPIs, collection charts, drill-down and CSV export."""

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from babel.dates import format_skeleton
from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Area
from app.domain.errors import UserFacingError
from app.domain.money import minor_digits
from app.domain.payments import PaymentStatus
from app.domain.periods import Bucket, PeriodChoice, ReportPeriod, compared_with
from app.services.analytics import (
    Breakdown,
    Dashboard,
    DayComparison,
    RatePoint,
    dashboard,
)
from app.services.analytics_csv import dashboard_csv, write_csv
from app.services.payments_list import SYSTEM_CASHIER, PaymentQuery
from ui.context import ClientContext
from ui.ops import ServiceOp, hub
from ui.widgets.charts import (
    CURRENT,
    DAYS,
    PREVIOUS,
    RATE,
    CategoryBarChart,
    ChartCard,
    DailyChart,
    TrendChart,
    legend_html,
)
from ui.widgets.kpi_tile import KpiTile

REFRESH_MS = 500  # a burst of recorded payments becomes one reload
POSTED = PaymentStatus.POSTED.value
_BREAKDOWNS = (
    ("method", "By method"),
    ("channel", "By channel"),
    ("type", "By payment type"),
    ("cashier", "By cashier"),
)


class DashboardScreen(QWidget):
    drill_down = Signal(object)  # a PaymentQuery for the payments list

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardScreen")
        self._context = context
        self.board: Dashboard | None = None
        self._request = 0  # only the newest answer is shown
        self._stale = True
        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        # Tiles and charts stay hidden until there are figures to show (never for a cashier).
        self.content = QWidget()
        self.content.setObjectName("dashboardContent")
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        content.addLayout(self._build_tiles())
        content.addWidget(self._build_charts(), 1)
        self.content.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_header())
        layout.addWidget(self.error)
        layout.addWidget(self.content, 1)
        layout.addStretch(0)  # keeps a lone message at the top while the content is hidden
        hub.changed.connect(self.on_hub_changed)

    # -- building -----------------------------------------------------------------------
    def _build_header(self) -> QHBoxLayout:
        title = QLabel("Collections dashboard")
        title.setProperty("role", "heading")
        self.period_label = QLabel("")
        self.period_label.setObjectName("dashboardPeriodLabel")
        self.period_label.setProperty("role", "muted")
        self.period = QComboBox()
        self.period.setObjectName("dashboardPeriod")
        self.period.setAccessibleName("Dashboard period")
        for choice in PeriodChoice:
            self.period.addItem(choice.label, choice.value)
        self.period.currentIndexChanged.connect(self.on_period_current_index_changed)
        self.date_from = self._date_edit("dashboardFrom", "From")
        self.date_to = self._date_edit("dashboardTo", "To")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setObjectName("dashboardRefresh")
        self.refresh_button.setAccessibleName("Refresh the dashboard")
        self.refresh_button.clicked.connect(self.refresh)
        self.error = QLabel("")
        self.error.setObjectName("dashboardError")
        self.error.setProperty("role", "error")
        self.error.setVisible(False)
        self.status = QLabel("")
        self.status.setObjectName("dashboardStatus")
        self.status.setProperty("role", "muted")
        heading = QVBoxLayout()
        heading.setSpacing(0)
        heading.addWidget(title)
        heading.addWidget(self.period_label)
        header = QHBoxLayout()
        header.addLayout(heading)
        header.addStretch(1)
        for widget in (self.status, self.period, self.date_from, self.date_to):
            header.addWidget(widget)
        header.addWidget(self.refresh_button)
        return header

    def _date_edit(self, name: str, label: str) -> QDateEdit:
        edit = QDateEdit(QDate.currentDate())
        edit.setObjectName(name)
        edit.setAccessibleName(f"Dashboard {label.lower()} date")
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd MMM yyyy")
        edit.setVisible(False)
        edit.dateChanged.connect(self._refresh_timer.start)
        return edit

    def _build_tiles(self) -> QHBoxLayout:
        self.tile_collected = KpiTile("dashboard_total_collected", "Total Collected")
        self.tile_today = KpiTile("dashboard_received_today", "Received Today")
        self.tile_rate = KpiTile("dashboard_collection_rate", "Collection Rate")
        self.tile_time = KpiTile("dashboard_avg_collection_time", "Avg Collection Time")
        tiles = QHBoxLayout()
        for tile in (self.tile_collected, self.tile_today, self.tile_rate, self.tile_time):
            tiles.addWidget(tile, 1)
        return tiles

    def _build_charts(self) -> QScrollArea:
        settings = self._context.settings
        money = (settings.currency, settings.locale, minor_digits(settings.currency))
        self.daily_chart = DailyChart(*money)
        self.daily_chart.bar_clicked.connect(self.on_daily_chart_bar_clicked)
        self.trend_chart = TrendChart()
        self.trend_chart.point_clicked.connect(self.on_trend_chart_point_clicked)
        self.cards = {
            "daily": ChartCard(
                "daily",
                "Collections per day",
                self.daily_chart,
                legend_html((CURRENT, "This period"), (PREVIOUS, "Previous period")),
            ),
            "trend": ChartCard(
                "trend",
                "Collection rate and time",
                self.trend_chart,
                legend_html((RATE, "Collection rate (past month)"), (DAYS, "Avg collection days")),
            ),
        }
        self.breakdown_charts: dict[str, CategoryBarChart] = {}
        for key, title in _BREAKDOWNS:
            chart = CategoryBarChart(*money)
            chart.bar_clicked.connect(
                lambda index, key=key: self.on_breakdown_bar_clicked(key, index)
            )
            self.breakdown_charts[key] = chart
            self.cards[key] = ChartCard(key, title, chart)
        grid = QGridLayout()
        grid.setSpacing(10)
        order = ("daily", "trend", "method", "channel", "type", "cashier")
        for position, key in enumerate(order):
            grid.addWidget(self.cards[key], position // 2, position % 2)
            self.cards[key].export_requested.connect(self.on_card_export_requested)
        body = QWidget()
        body.setObjectName("dashboardCharts")
        body.setLayout(grid)
        scroll = QScrollArea()
        scroll.setObjectName("dashboardScroll")
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        return scroll

    # -- context and loading --------------------------------------------------------------
    def set_context(self, context: ClientContext) -> None:
        if context.actor != self._context.actor:  # never show one user's figures to the next
            self.board = None
            self.content.setVisible(False)
        self._context = context
        settings = context.settings
        digits = minor_digits(settings.currency)
        for chart in (self.daily_chart, *self.breakdown_charts.values()):
            chart.set_money(settings.currency, settings.locale, digits)
        self._stale = True
        if self.isVisible():
            self._refresh_timer.start()

    def on_hub_changed(self, areas: frozenset) -> None:
        if areas & {Area.PAYMENTS, Area.KPIS}:
            if self.isVisible():
                self._refresh_timer.start()
            else:
                self._stale = True  # reload when shown, not while nobody looks

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def on_period_current_index_changed(self, _index: int) -> None:
        custom = self.period.currentData() == PeriodChoice.CUSTOM.value
        if custom and self.board is not None:
            self.date_from.setDate(QDate(self.board.period.start))
            self.date_to.setDate(QDate(self.board.period.end))
        self.date_from.setVisible(custom)
        self.date_to.setVisible(custom)
        self._refresh_timer.start()

    def choose_period(
        self, choice: PeriodChoice, start: date | None = None, end: date | None = None
    ) -> None:
        """Pick a period as a supervisor would in the header (tests and the main window use it)."""
        self.period.setCurrentIndex(self.period.findData(choice.value))
        if start is not None:
            self.date_from.setDate(QDate(start))
        if end is not None:
            self.date_to.setDate(QDate(end))

    def refresh(self) -> None:
        self._refresh_timer.stop()
        self._stale = False
        choice = PeriodChoice(self.period.currentData())
        start = end = None
        if choice is PeriodChoice.CUSTOM:
            start, end = self.date_from.date().toPython(), self.date_to.date().toPython()
        self._request += 1
        request, counter = self._request, self._context.counter
        username = self._context.username
        self.status.setText("Updating…")
        ServiceOp(
            self,
            lambda: dashboard(counter.read(), choice, username=username, start=start, end=end),
            read=True,
        ).success(lambda board: self._answered(request, board)).failure(
            lambda error: self._refused(request, error)
        ).run()

    def _answered(self, request: int, board: Dashboard) -> None:
        if request == self._request:
            self.show_dashboard(board)

    def _refused(self, request: int, error: UserFacingError) -> None:
        if request == self._request:
            self.status.setText("")
            self.show_error(str(error))

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    # -- showing ----------------------------------------------------------------------------
    def show_dashboard(self, board: Dashboard) -> None:
        self.board = board
        self.content.setVisible(True)
        self.show_error("")
        self.status.setText("")
        self.period_label.setText(
            f"{self._span(board.period)}  ·  compared with {self._span(board.previous)}"
        )
        self._show_tiles(board)
        self._show_daily(board.daily.days)
        for key, chart in self.breakdown_charts.items():
            self._show_breakdown(chart, self.breakdown(key))
        self._show_trend(board.trend.bucket, board.trend.points)

    def breakdown(self, key: str) -> Breakdown:
        assert self.board is not None
        return {
            "method": self.board.by_method,
            "channel": self.board.by_channel,
            "type": self.board.by_type,
            "cashier": self.board.by_cashier,
        }[key]

    def _show_tiles(self, board: Dashboard) -> None:
        money, k = self._context.money, board.kpis
        against = compared_with(board.period, board.previous)
        self.tile_collected.show_value(
            money(k.total_collected.value),  # type: ignore[arg-type]
            k.total_collected.change_percent,
            against,
        )
        self.tile_collected.setToolTip(
            f"{_payments(k.payment_count.value)}. {self._span(board.previous)}: "
            f"{money(k.total_collected.previous)}"  # type: ignore[arg-type]
        )
        self.tile_today.show_value(
            f"{money(k.received_today.value)}  ·  {_payments(k.received_today_count.value)}",  # type: ignore[arg-type]
            k.received_today.change_percent,
            "yesterday",
        )
        self.tile_rate.show_collection_rate(k, against)
        days = k.avg_collection_time_days.value
        self.tile_time.show_value(
            "—" if days is None else f"{days} days",
            k.avg_collection_time_days.change_percent,
            against,
            higher_is_better=False,
        )

    def _show_daily(self, days: tuple[DayComparison, ...]) -> None:
        money = self._context.money
        tips = []
        for d in days:
            tip = f"{self._long_day(d.day)}: {money(d.amount_minor)} · {_payments(d.count)}"
            if d.previous_day is not None:
                tip += (
                    f"\n{self._long_day(d.previous_day)}: {money(d.previous_amount_minor)} · "
                    f"{_payments(d.previous_count)}"
                )
            tips.append(f"{tip}\nClick to list this day's payments")
        self.daily_chart.set_days(
            [self._short_day(d.day) for d in days],
            [d.amount_minor for d in days],
            [None if d.previous_day is None else d.previous_amount_minor for d in days],
            tips,
        )

    def _show_breakdown(self, chart: CategoryBarChart, breakdown: Breakdown) -> None:
        money, total = self._context.money, breakdown.total_minor
        tips = []
        for c in breakdown.categories:
            share = f" · {Decimal(c.amount_minor * 100) / total:.1f}%" if total else ""
            tips.append(
                f"{c.label}: {money(c.amount_minor)} · {_payments(c.count)}{share}\n"
                "Click to list these payments"
            )
        chart.set_bars(
            [c.label for c in breakdown.categories],
            [c.amount_minor for c in breakdown.categories],
            tips,
        )

    def _show_trend(self, bucket: Bucket, points: tuple[RatePoint, ...]) -> None:
        money = self._context.money
        tips = []
        for p in points:
            rolling = "—" if p.rolling_rate is None else f"{p.rolling_rate}%"
            rate = "—" if p.collection_rate is None else f"{p.collection_rate}%"
            days = "—" if p.avg_collection_days is None else f"{p.avg_collection_days} days"
            tips.append(
                f"{self._span(p.period)}\nCollection rate over the month to "
                f"{self._context.day(p.period.end)}: {rolling}\n"
                f"This {bucket.value}: {money(p.collected_minor)} collected, "
                f"{money(p.due_minor)} due ({rate})\nAvg collection time: {days}\n"
                "Click to list these payments"
            )
        self.trend_chart.set_points(
            [self._bucket_label(bucket, p.period) for p in points],
            [p.rolling_rate for p in points],
            [p.avg_collection_days for p in points],
            tips,
        )

    # -- formatting -------------------------------------------------------------------------
    def _skeleton(self, skeleton: str, day: date) -> str:
        return format_skeleton(skeleton, day, locale=self._context.settings.locale)

    def _short_day(self, day: date) -> str:
        return self._skeleton("MMMd", day)

    def _long_day(self, day: date) -> str:
        return self._skeleton("yMMMEd", day)

    def _span(self, period: ReportPeriod) -> str:
        if period.start == period.end:
            return self._context.day(period.start)
        return f"{self._context.day(period.start)} – {self._context.day(period.end)}"

    def _bucket_label(self, bucket: Bucket, period: ReportPeriod) -> str:
        if bucket is Bucket.MONTH:
            return self._skeleton("yMMM", period.start)
        return self._short_day(period.start)

    # -- drill-down -------------------------------------------------------------------------
    def on_daily_chart_bar_clicked(self, index: int) -> None:
        if self.board is not None and 0 <= index < len(self.board.daily.days):
            day = self.board.daily.days[index].day
            self.drill_down.emit(PaymentQuery(status=POSTED, date_from=day, date_to=day))

    def on_trend_chart_point_clicked(self, index: int) -> None:
        if self.board is not None and 0 <= index < len(self.board.trend.points):
            bucket = self.board.trend.points[index].period
            self.drill_down.emit(
                PaymentQuery(status=POSTED, date_from=bucket.start, date_to=bucket.end)
            )

    def on_breakdown_bar_clicked(self, key: str, index: int) -> None:
        if self.board is None:
            return
        categories = self.breakdown(key).categories
        if not 0 <= index < len(categories):
            return
        period, value = self.board.period, categories[index].key
        # A cashier bar with no user behind it is the online payments' "System".
        field = {
            "method": "method",
            "channel": "channel",
            "type": "payment_type",
            "cashier": "cashier",
        }[key]
        if key == "cashier" and value is None:
            value = SYSTEM_CASHIER
        query = PaymentQuery(status=POSTED, date_from=period.start, date_to=period.end)
        self.drill_down.emit(replace(query, **{field: value}))

    # -- export -----------------------------------------------------------------------------
    def on_card_export_requested(self, chart: str) -> None:
        if self.board is None:
            return
        rows = dashboard_csv(self.board, chart)
        period = self.board.period
        path = self.choose_csv_path(f"collections-{chart}-{period.start}-to-{period.end}.csv")
        if path is None:
            return
        ServiceOp(self, lambda: write_csv(path, rows), read=True).success(
            lambda _: self.status.setText(f"Saved {len(rows) - 1} rows to {path.name}")
        ).failure(lambda error: self.show_error(str(error))).run()

    def choose_csv_path(self, suggested: str) -> Path | None:
        """Where to save; tests replace this to skip the dialog."""
        name, _ = QFileDialog.getSaveFileName(
            self, "Export CSV", str(Path.home() / suggested), "CSV files (*.csv)"
        )
        return Path(name) if name else None


def _payments(count: object) -> str:
    return f"{count} payment" if count == 1 else f"{count} payments"
