"""The landing page: KPI tiles, All Payments and Credit Notes tabs, search and filters."""

from datetime import date

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Area
from app.domain.payments import PaymentStatus, PaymentType
from app.services.kpis import Kpis, collection_kpis
from app.services.list_exports import payments_report
from app.services.payments_list import (
    SYSTEM_CASHIER,
    SYSTEM_LABEL,
    PaymentCount,
    PaymentQuery,
    count_matching,
)
from ui.context import ClientContext
from ui.models.payments_model import CONSUMER, MORE, RECEIPT, PaymentsModel
from ui.ops import ServiceOp, hub
from ui.screens.credit_notes_tab import CreditNotesTab
from ui.widgets.export_button import ExportButton
from ui.widgets.kpi_tile import KpiTile
from ui.widgets.payments_table import PaymentsTable, count_text
from ui.widgets.toast import show_toast

NO_DATE = QDate(2000, 1, 1)


def _combo(name: str, label: str, every: str, values: list[str]) -> QComboBox:
    """A filter drop-down whose first entry ('All methods') means no filter."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(label)
    combo.addItem(every, None)
    for value in values:
        combo.addItem(value, value)
    return combo


def _date_edit(name: str, label: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(label)
    edit.setCalendarPopup(True)
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText(f"{label}: any")
    edit.setDate(NO_DATE)
    edit.setDisplayFormat("dd MMM yyyy")
    return edit


class LandingScreen(QWidget):
    payment_opened = Signal(str)  # receipt number
    receipt_opened = Signal(str)
    credit_note_requested = Signal(str)  # receipt number
    consumer_opened = Signal(str)  # account number
    credit_note_opened = Signal(str)  # credit note number
    record_payment_requested = Signal()
    back_requested = Signal()  # Escape on a list a dashboard chart drilled into

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("landingScreen")
        self._context = context
        # Channel and cashier have no drop-down: only a dashboard drill-down sets them.
        self._drill = PaymentQuery()
        self.drilled_down = False  # the list shows what a dashboard chart was clicked for
        self._total: PaymentCount | None = None
        self._count_generation = 0
        self._refresh_timer = QTimer(self, singleShot=True, interval=250)
        self._refresh_timer.timeout.connect(self.refresh)
        self._build_header()
        self._build_payments_tab()
        self._build_credit_notes_tab()
        layout = QVBoxLayout(self)
        layout.addLayout(self._header)
        layout.addLayout(self._tiles)
        layout.addWidget(self.tabs, 1)
        hub.changed.connect(self.on_hub_changed)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.focus_search)
        QShortcut(
            QKeySequence("Escape"),
            self,
            activated=self.on_escape,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )

    # -- building -----------------------------------------------------------------------
    def _build_header(self) -> None:
        title = QLabel("Payments")
        title.setProperty("role", "heading")
        self.month = QComboBox()
        self.month.setObjectName("kpiMonth")
        self.month.setAccessibleName("KPI month")
        self._fill_months(date.today())
        self.month.currentIndexChanged.connect(self.load_kpis)
        self.record_button = QPushButton("Record Payment  (F2)")
        self.record_button.setObjectName("recordPaymentButton")
        self.record_button.setAccessibleName("Record payment")
        self.record_button.setProperty("role", "primary")
        self.record_button.clicked.connect(self.record_payment_requested)
        self._header = QHBoxLayout()
        self._header.addWidget(title)
        self._header.addStretch(1)
        self._header.addWidget(self.month)
        self._header.addWidget(self.record_button)
        self.tile_collected = KpiTile("total_collected", "Total Collected")
        self.tile_today = KpiTile("received_today", "Received Today")
        self.tile_rate = KpiTile("collection_rate", "Collection Rate")
        self.tile_time = KpiTile("avg_collection_time", "Avg Collection Time")
        self._tiles = QHBoxLayout()
        for tile in (self.tile_collected, self.tile_today, self.tile_rate, self.tile_time):
            self._tiles.addWidget(tile, 1)

    def _fill_months(self, today: date) -> None:
        """The last 18 months, counted from the service center's today (the counter's
        clock and zone, which the KPI answers carry), keeping the month chosen."""
        chosen = self.month.currentData()
        self.month.blockSignals(True)
        self.month.clear()
        year, month = today.year, today.month
        for _ in range(18):
            self.month.addItem(date(year, month, 1).strftime("%B %Y"), f"{year:04d}-{month:02d}")
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        self.month.setCurrentIndex(max(0, self.month.findData(chosen)))
        self.month.blockSignals(False)

    def _build_payments_tab(self) -> None:
        settings = self._context.settings
        self.search = QLineEdit()
        self.search.setObjectName("paymentSearch")
        self.search.setAccessibleName("Search payments")
        self.search.setPlaceholderText("Search consumer name, receipt # or account…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.method = _combo(
            "filterMethod", "Method", "All methods", [m.name for m in settings.methods]
        )
        self.status = _combo(
            "filterStatus", "Status", "All statuses", [s.value for s in PaymentStatus]
        )
        self.kind = _combo("filterType", "Type", "All types", [t.value for t in PaymentType])
        self.date_from = _date_edit("filterFrom", "From")
        self.date_to = _date_edit("filterTo", "To")
        self.filter_error = QLabel("")
        self.filter_error.setObjectName("filterError")
        self.filter_error.setProperty("role", "error")
        self.count = QLabel("")
        self.count.setObjectName("paymentsCount")
        self.count.setProperty("role", "muted")
        self.payments = PaymentsModel(self._context, self, with_actions=True)
        self.payments.loaded.connect(self.on_payments_loaded)
        self.payments.failed.connect(self.filter_error.setText)
        self.table = PaymentsTable(self.payments, self.payment_menu)
        self.table.activated.connect(self.on_table_activated)
        self.table.clicked.connect(self.on_table_clicked)
        for widget in (self.search,):
            widget.textChanged.connect(self._refresh_timer.start)
        for combo in (self.method, self.status, self.kind):
            combo.currentIndexChanged.connect(self._refresh_timer.start)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self._refresh_timer.start)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for widget in (self.date_from, self.date_to, self.method, self.status, self.kind):
            filters.addWidget(widget, 1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(filters)
        layout.addWidget(self._build_drill_bar())
        layout.addWidget(self.filter_error)
        layout.addWidget(self.table, 1)
        layout.addLayout(self._count_row())
        self.tabs = QTabWidget()
        self.tabs.setObjectName("landingTabs")
        self.tabs.addTab(page, "All Payments")

    def _count_row(self) -> QHBoxLayout:
        counter = self._context.counter
        self.export_button = ExportButton(
            "payments", lambda: payments_report(counter.read, self.query()), self
        )
        self.export_button.exported.connect(
            lambda path, rows: show_toast(self, f"Exported {rows:,} payments to {path}.")
        )
        self.export_button.failed.connect(lambda message: show_toast(self, message, kind="error"))
        row = QHBoxLayout()
        row.addWidget(self.count, 1)
        row.addWidget(self.export_button)
        return row

    def _build_drill_bar(self) -> QFrame:
        """Says which channel or cashier a dashboard drill-down narrowed the list to."""
        self.drill_bar = QFrame()
        self.drill_bar.setObjectName("drillDownBar")
        # Tinted like a selected row (tilldesk.qss), so it reads as "this list is narrowed".
        self.drill_label = QLabel("")
        self.drill_label.setObjectName("drillDownLabel")
        self.drill_label.setAccessibleName("Dashboard filter")
        self.clear_drill = QPushButton("Show all channels and cashiers")
        self.clear_drill.setObjectName("clearDrillDown")
        self.clear_drill.setAccessibleName("Clear the channel and cashier filter")
        self.clear_drill.clicked.connect(self.clear_drill_down)
        line = QHBoxLayout(self.drill_bar)
        line.setContentsMargins(8, 4, 8, 4)
        line.addWidget(self.drill_label, 1)
        line.addWidget(self.clear_drill)
        self.drill_bar.hide()  # never setVisible(True) before it has a parent: it would pop up
        return self.drill_bar

    def _build_credit_notes_tab(self) -> None:
        self.credit_notes_tab = CreditNotesTab(self._context)
        self.credit_notes_tab.credit_note_opened.connect(self.credit_note_opened)
        self.credit_notes_tab.payment_opened.connect(self.payment_opened)
        self.tabs.addTab(self.credit_notes_tab, "Credit Notes")

    def set_context(self, context: ClientContext) -> None:
        if context.actor != self._context.actor:  # one supervisor's drill-down is not the next's
            self._set_drill(PaymentQuery())
        self._context = context
        self.credit_notes_tab.set_context(context)

    # -- loading ------------------------------------------------------------------------
    def focus_search(self) -> None:
        if self.tabs.currentIndex() == 1:
            self.credit_notes_tab.focus_search()
            return
        self.search.setFocus()
        self.search.selectAll()

    def on_hub_changed(self, areas: frozenset) -> None:
        if areas & {Area.PAYMENTS, Area.KPIS, Area.CREDIT_NOTES}:
            self._refresh_timer.start()

    def refresh(self) -> None:
        self.load_kpis()
        self._load_payments()
        self.credit_notes_tab.refresh()

    def apply_query(self, query: PaymentQuery) -> None:
        """Show the payments a chart drilled into: its period, method, type, channel, cashier."""
        self.drilled_down = True
        self.tabs.setCurrentIndex(0)
        self._set_drill(query)
        for combo, value in (
            (self.method, query.method),
            (self.status, query.status),
            (self.kind, query.payment_type),
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)) if value else 0)
            combo.blockSignals(False)
        for edit, day in ((self.date_from, query.date_from), (self.date_to, query.date_to)):
            edit.blockSignals(True)
            edit.setDate(QDate(day) if day else NO_DATE)
            edit.blockSignals(False)
        self.search.blockSignals(True)
        self.search.setText(query.search or "")
        self.search.blockSignals(False)
        self.refresh()

    def query(self) -> PaymentQuery:
        def chosen(combo: QComboBox) -> str | None:
            return combo.currentData()

        def day(edit: QDateEdit) -> date | None:
            return None if edit.date() == NO_DATE else edit.date().toPython()

        return PaymentQuery(
            search=self.search.text().strip() or None,
            method=chosen(self.method),
            status=chosen(self.status),
            payment_type=chosen(self.kind),
            date_from=day(self.date_from),
            date_to=day(self.date_to),
            channel=self._drill.channel,
            cashier=self._drill.cashier,
        )

    def clear_drill_down(self) -> None:
        """Back to every channel and cashier; the other filters stay as they are."""
        self._set_drill(PaymentQuery())
        self.table.setFocus()
        self._load_payments()

    def _set_drill(self, query: PaymentQuery) -> None:
        self._drill = PaymentQuery(channel=query.channel, cashier=query.cashier)
        self._show_drill(cashier_name=None)

    def _show_drill(self, cashier_name: str | None) -> None:
        parts = []
        if self._drill.channel:
            parts.append(f"Channel: {self._drill.channel}")
        if self._drill.cashier:
            if cashier_name is None:  # until the list names them
                system = self._drill.cashier == SYSTEM_CASHIER
                cashier_name = SYSTEM_LABEL if system else self._drill.cashier
            parts.append(f"Cashier: {cashier_name}")
        self.drill_label.setText("From the dashboard:  " + "  ·  ".join(parts))
        self.drill_bar.setVisible(bool(parts))

    def on_escape(self) -> None:
        """Back to the dashboard the list was drilled from, leaving the list as it was
        before the drill-down."""
        if not self.drilled_down:
            return
        self.apply_query(PaymentQuery())
        self.drilled_down = False
        self.back_requested.emit()

    def on_payments_loaded(self, shown: int) -> None:
        self._show_count()
        self._show_drill(cashier_name=self.payments.cashier_name)

    def _show_count(self) -> None:
        shown, query = self.payments.rowCount(), self.query()
        filtered = query != PaymentQuery()
        self.count.setText(count_text(shown, self.payments.more_pages, self._total, filtered))

    def _count(self, query: PaymentQuery) -> None:
        """How many match in all, beside the first page: capped, so it stays cheap."""
        self._total = None
        self._count_generation += 1
        generation, counter = self._count_generation, self._context.counter
        ServiceOp(self, lambda: count_matching(counter.read(), query), read=True).success(
            lambda total: self._counted(total, generation)
        ).run()

    def _counted(self, total: PaymentCount, generation: int) -> None:
        if generation == self._count_generation:
            self._total = total
            self._show_count()

    def _load_payments(self) -> None:
        query = self.query()
        if query.date_from and query.date_to and query.date_from > query.date_to:
            self.filter_error.setText("The 'from' date must be on or before the 'to' date.")
            return
        self.filter_error.clear()
        self.payments.set_query(query)
        self._count(query)

    def load_kpis(self) -> None:
        # The first entry is the counter's own this month, whatever this PC's date says.
        month = self.month.currentData() if self.month.currentIndex() > 0 else None
        counter = self._context.counter
        ServiceOp(self, lambda: collection_kpis(counter.read(), month), read=True).success(
            self._show_kpis
        ).run()

    def _show_kpis(self, k: Kpis) -> None:
        if self.month.itemData(0) != k.today.strftime("%Y-%m"):
            self._fill_months(k.today)
        money = self._context.money
        self.tile_collected.show_value(
            money(k.total_collected.value),
            k.total_collected.change_percent,  # type: ignore[arg-type]
            k.compared_with,
        )
        self.tile_today.show_value(
            f"{money(k.received_today.value)}  ·  {_payments(k.received_today_count.value)}",  # type: ignore[arg-type]
            k.received_today.change_percent,
            "yesterday",
        )
        self.tile_rate.show_collection_rate(k, k.compared_with)
        days = k.avg_collection_time_days.value
        self.tile_time.show_value(
            "—" if days is None else f"{days} days",
            k.avg_collection_time_days.change_percent,
            k.compared_with,
            higher_is_better=False,
        )

    # -- row actions --------------------------------------------------------------------
    def on_table_activated(self, index: QModelIndex) -> None:
        """Enter opens the payment; on the ⋮ column it opens the row's menu instead."""
        if index.column() == MORE:
            self.table.row_actions.open_for_current()
        else:
            self.payment_opened.emit(self.payments.row_at(index.row()).receipt_number)

    def on_table_clicked(self, index: QModelIndex) -> None:
        """The receipt number and the consumer are links, as the spec asks."""
        row = self.payments.row_at(index.row())
        if index.column() == RECEIPT:
            self.payment_opened.emit(row.receipt_number)
        elif index.column() == CONSUMER:
            self.consumer_opened.emit(row.account_number)

    def payment_menu(self, row_number: int) -> QMenu:
        """The row's More actions: the ⋮ button, a right click, the Menu key, Shift+F10."""
        row = self.payments.row_at(row_number)
        receipt = row.receipt_number
        menu = QMenu(self)
        menu.setObjectName("paymentRowMenu")
        menu.addAction("View details", lambda: self.payment_opened.emit(receipt))
        menu.addAction("Consumer profile", lambda: self.consumer_opened.emit(row.account_number))
        menu.addAction("View receipt", lambda: self.receipt_opened.emit(receipt))
        menu.addAction("Create credit note", lambda: self.credit_note_requested.emit(receipt))
        return menu


def _payments(count: object) -> str:
    return "1 payment" if count == 1 else f"{count} payments"
