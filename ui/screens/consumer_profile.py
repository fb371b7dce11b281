"""The consumer profile, the 360-degree view: balance, unpaid items, history, credit, plans."""

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Area
from app.domain.errors import UserFacingError
from app.services.consumers import ConsumerAccount, consumer_account
from app.services.credit_notes_list import CreditNoteRow, list_credit_notes
from app.services.payments_list import PaymentQuery
from app.services.plans import PlanView, consumer_plans
from app.services.runtime import Counter
from ui.context import ClientContext
from ui.models.credit_notes_model import CreditNotesModel
from ui.models.payments_model import CONSUMER, RECEIPT, PaymentsModel
from ui.ops import ServiceOp, hub
from ui.screens.consumer_holds import ConsumerHoldsPanel
from ui.screens.consumer_profile_badges import DisputeBadge
from ui.screens.consumer_profile_plans import PlanTree
from ui.screens.plans_consumer import PlanStandingLabel
from ui.widgets.badge import badge, set_badge

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
UNPAID_HEADERS = ("Item", "Type", "Description", "Due date", "Amount", "Paid", "Outstanding")
KIND_TEXT = {"bill": "Bill", "service": "Service", "installment": "Installment"}
REFRESH_AREAS = frozenset({Area.PAYMENTS, Area.CONSUMERS, Area.CREDIT_NOTES})


def _profile(counter: Counter, account: str) -> tuple[ConsumerAccount, list[PlanView]]:
    return consumer_account(counter.read(), account), consumer_plans(counter.read(), account)


def _table(name: str, label: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(label)
    _table_look(table)
    return table


def _table_look(table: QTableView) -> None:
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)


def _page(*widgets: QWidget) -> QWidget:
    """A tab page: the tab's own background, its table in white below a little space."""
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 8, 0, 0)
    layout.addWidget(widgets[0], 1)
    for widget in widgets[1:]:
        layout.addWidget(widget)
    return page


def _cell(text: str, *, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if right:
        item.setTextAlignment(RIGHT)
    return item


class ConsumerProfileScreen(QWidget):
    back_requested = Signal()
    record_payment_requested = Signal(str)  # account number
    payment_opened = Signal(str)  # receipt number

    FIELDS = (
        ("account", "Account number"),
        ("address", "Service address"),
        ("phone", "Phone"),
        ("email", "Email"),
        ("segment", "Segment"),
    )

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consumerProfileScreen")
        self._context = context
        self._account_number: str | None = None
        self._generation = 0
        self.account: ConsumerAccount | None = None
        self.plans: list[PlanView] = []
        self.values: dict[str, QLabel] = {}
        self._refresh = QTimer(self, singleShot=True, interval=250)
        self._refresh.timeout.connect(self.reload)
        self._build()
        hub.changed.connect(self.on_hub_changed)
        QShortcut(
            QKeySequence("Escape"),
            self,
            self.back_requested.emit,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )

    # -- building -----------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.addLayout(self._build_header())
        layout.addWidget(self._build_summary())
        self.message = QLabel("")
        self.message.setObjectName("profileMessage")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        self.plan_standing = PlanStandingLabel(self)  # a compliant plan: do not disconnect
        layout.addWidget(self.plan_standing)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("profileTabs")
        self.tabs.setAccessibleName("Consumer records")
        self._build_unpaid_tab()
        self._build_history_tab()
        self._build_credit_tab()
        self._build_plans_tab()
        self.holds = ConsumerHoldsPanel(self._context, self)  # disputes and circumstances
        self.tabs.addTab(self.holds, "Disputes")
        self.holds.disputes_counted.connect(self._disputes_counted)
        layout.addWidget(self.tabs, 1)

    def _disputes_counted(self, count: int) -> None:
        self.tabs.setTabText(self.tabs.indexOf(self.holds), f"Disputes ({count})")
        self.dispute_badge.show_disputes(self.holds.disputes)  # the header's "Open dispute"

    def _build_header(self) -> QHBoxLayout:
        self.back_button = QPushButton("← &Back  (Esc)")
        self.back_button.setObjectName("profileBack")
        self.back_button.setAccessibleName("Back")
        self.back_button.clicked.connect(self.back_requested)
        self.name = QLabel("Consumer")
        self.name.setObjectName("profileName")
        self.name.setProperty("role", "heading")
        self.status_badge = badge("", "good", "profileStatus")
        self.status_badge.setVisible(False)
        self.dispute_badge = DisputeBadge(self)
        self.record_button = QPushButton("Record &Payment")
        self.record_button.setObjectName("profileRecordPayment")
        self.record_button.setAccessibleName("Record payment for this consumer")
        self.record_button.setProperty("role", "primary")
        self.record_button.setEnabled(False)
        self.record_button.clicked.connect(self.on_record_button_clicked)
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addSpacing(8)
        header.addWidget(self.name)
        header.addWidget(self.status_badge)
        header.addWidget(self.dispute_badge)
        header.addStretch(1)
        header.addWidget(self.record_button)
        return header

    def _build_summary(self) -> QFrame:
        card = QFrame()
        card.setObjectName("profileSummary")
        card.setAccessibleName("Account summary")
        card.setProperty("role", "card")
        details = QGridLayout()
        details.setHorizontalSpacing(16)
        details.setVerticalSpacing(6)
        for row, (key, caption) in enumerate(self.FIELDS):
            details.addWidget(self._caption(caption), row, 0)
            details.addWidget(self._value(key), row, 1)
        details.setColumnStretch(1, 1)
        balance_caption = self._caption("Current balance")
        balance_caption.setProperty("role", "kpiTitle")
        balance = self._value("balance")
        balance.setProperty("role", "kpiValue")
        provisional = self._value("provisional")
        provisional.setWordWrap(False)
        provisional.setToolTip("Includes payments from this counter the server has not seen yet")
        set_badge(provisional, "Provisional", "warn")
        credit = QHBoxLayout()
        credit.addWidget(self._caption("Credit available"))
        credit.addWidget(self._value("credit"))
        credit.addStretch(1)
        figures = QVBoxLayout()
        figures.setSpacing(4)
        figures.addWidget(balance_caption)
        line = QHBoxLayout()
        line.addWidget(balance)
        line.addWidget(provisional, 0, Qt.AlignmentFlag.AlignVCenter)
        line.addStretch(1)
        figures.addLayout(line)
        figures.addLayout(credit)
        figures.addStretch(1)
        row = QHBoxLayout(card)
        row.setContentsMargins(16, 12, 16, 12)
        row.setSpacing(32)
        row.addLayout(details, 3)
        row.addLayout(figures, 2)
        return card

    def _caption(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "muted")
        return label

    def _value(self, key: str) -> QLabel:
        label = QLabel("—")
        label.setObjectName(f"profile_{key}")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.values[key] = label
        return label

    def _build_unpaid_tab(self) -> None:
        self.unpaid = QTableWidget(0, len(UNPAID_HEADERS))
        self.unpaid.setObjectName("unpaidTable")
        self.unpaid.setAccessibleName("Unpaid items")
        self.unpaid.setHorizontalHeaderLabels(UNPAID_HEADERS)
        _table_look(self.unpaid)
        self.tabs.addTab(_page(self.unpaid), "Unpaid items")

    def _build_history_tab(self) -> None:
        self.payments = PaymentsModel(self._context, self)
        self.history = _table("historyTable", "Payment history")
        self.history.setModel(self.payments)
        self.history.hideColumn(CONSUMER)  # always this consumer
        self.history.activated.connect(self.on_history_activated)
        self.history.clicked.connect(self.on_history_clicked)
        self.history_count = QLabel("")
        self.history_count.setObjectName("historyCount")
        self.history_count.setProperty("role", "muted")
        self.payments.loaded.connect(self.on_payments_loaded)
        self.payments.failed.connect(self._show_error)
        self.tabs.addTab(_page(self.history, self.history_count), "Payment history")

    def _build_credit_tab(self) -> None:
        self.credit_notes = CreditNotesModel(self._context, self)
        self.credit_table = _table("profileCreditNotes", "Credit notes")
        self.credit_table.setModel(self.credit_notes)
        self.credit_table.activated.connect(self.on_credit_table_activated)
        self.credit_table.hideColumn(1)  # the consumer: always this one
        self.tabs.addTab(_page(self.credit_table), "Credit notes")

    def _build_plans_tab(self) -> None:
        self.plan_tree = PlanTree()
        self.tabs.addTab(_page(self.plan_tree), "Plans")

    # -- loading ------------------------------------------------------------------------
    def set_context(self, context: ClientContext) -> None:
        self._context = context
        self.holds.set_context(context)

    def show_consumer(self, account_number: str) -> None:
        self._account_number = account_number.strip()
        self.account = None
        self.name.setText("Loading…")
        self.dispute_badge.show_disputes([])  # the last consumer's disputes are not this one's
        self.record_button.setEnabled(False)
        self.tabs.setCurrentIndex(0)
        self.reload()

    def reload(self) -> None:
        account = self._account_number
        if not account:
            return
        self._generation += 1
        generation, counter = self._generation, self._context.counter
        ServiceOp(self, lambda: _profile(counter, account), read=True).success(
            lambda found: self._arrived(found, generation)
        ).failure(lambda error: self._failed(error, generation)).run()
        ServiceOp(
            self,
            lambda: list_credit_notes(counter.read(), account_number=account, limit=500),
            read=True,
        ).success(lambda rows: self._credit_arrived(rows, generation)).run()
        self.payments.set_query(PaymentQuery(account_number=account))
        self.plan_standing.show_for(counter, account)
        self.holds.show_for(account)

    def on_hub_changed(self, areas: frozenset) -> None:
        if self._account_number and areas & REFRESH_AREAS:
            self._refresh.start()

    def _arrived(self, found: tuple[ConsumerAccount, list[PlanView]], generation: int) -> None:
        if generation != self._generation:
            return
        self.account, self.plans = found
        self.message.setVisible(False)
        self._show_account(self.account)
        self._show_unpaid(self.account)
        self._show_plans(self.plans)
        self.record_button.setEnabled(self.account.status == "Active")

    def _failed(self, error: UserFacingError, generation: int) -> None:
        if generation == self._generation:
            self.name.setText("Consumer")
            self._show_error(error.message)

    def _show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _credit_arrived(self, rows: list[CreditNoteRow], generation: int) -> None:
        if generation == self._generation:
            self.credit_notes.set_rows(rows)
            self.tabs.setTabText(2, f"Credit notes ({len(rows)})")

    # -- showing ------------------------------------------------------------------------
    def _show_account(self, a: ConsumerAccount) -> None:
        money = self._context.money
        self.name.setText(a.name)
        set_badge(self.status_badge, a.status, "good" if a.status == "Active" else "bad")
        self.status_badge.setVisible(True)
        shown = {
            "account": a.account_number,
            "address": a.service_address,
            "phone": a.phone or "—",
            "email": a.email or "—",
            "segment": a.segment,
            "balance": money(a.balance_minor),
            "credit": money(a.credit_available_minor),
        }
        for key, text in shown.items():
            self.values[key].setText(text)
        self.values["provisional"].setVisible(a.provisional)
        self.values["balance"].setAccessibleDescription(
            "Provisional: includes payments not yet sent" if a.provisional else ""
        )

    def _show_unpaid(self, a: ConsumerAccount) -> None:
        money, day = self._context.money, self._context.day
        self.unpaid.setRowCount(len(a.unpaid))
        for row, item in enumerate(a.unpaid):
            cells = (
                _cell(item.reference),
                _cell(KIND_TEXT.get(item.kind, item.kind)),
                _cell(item.description),
                _cell(day(item.due_date)),
                _cell(money(item.amount_minor), right=True),
                _cell(money(item.paid_minor), right=True),
                _cell(money(item.outstanding_minor), right=True),
            )
            for column, cell in enumerate(cells):
                self.unpaid.setItem(row, column, cell)
        self.tabs.setTabText(0, f"Unpaid items ({len(a.unpaid)})")

    def _show_plans(self, plans: list[PlanView]) -> None:
        self.plan_tree.show_plans(plans, self._context.money, self._context.day)
        self.tabs.setTabText(3, f"Plans ({len(plans)})")

    # -- actions ------------------------------------------------------------------------
    def on_record_button_clicked(self) -> None:
        if self.account is not None:
            self.record_payment_requested.emit(self.account.account_number)

    def on_payments_loaded(self, count: int) -> None:
        self.history_count.setText(f"{count} payments shown")
        self.tabs.setTabText(
            1, f"Payment history ({count}{'+' if self.payments.canFetchMore() else ''})"
        )

    def on_history_activated(self, index: QModelIndex) -> None:
        self.payment_opened.emit(self.payments.row_at(index.row()).receipt_number)

    def on_history_clicked(self, index: QModelIndex) -> None:
        if index.column() == RECEIPT:
            self.payment_opened.emit(self.payments.row_at(index.row()).receipt_number)

    def on_credit_table_activated(self, index: QModelIndex) -> None:
        self.payment_opened.emit(self.credit_notes.row_at(index.row()).receipt_number)
