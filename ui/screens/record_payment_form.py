"""The record-payment form's widgets, laid out top to bottom in the order a cashier fills them."""

from itertools import pairwise

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.payments import PaymentType
from app.domain.settings import Settings
from ui.screens.record_payment_draft import Extra
from ui.screens.record_payment_widgets import (
    AccountPanel,
    ConsumerResults,
    UnpaidItemsList,
    error_label,
)

SECTION_MARGINS = (12, 8, 12, 8)

TYPE_KEYS = {
    PaymentType.BILL: "&Bill",
    PaymentType.SERVICE: "&Service",
    PaymentType.INSTALLMENT: "&Installment",
}


def _named(widget: QWidget, name: str, accessible: str) -> QWidget:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


def _caption(text: str, buddy: QWidget | None = None) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "caption")
    if buddy is not None:
        label.setBuddy(buddy)
    return label


def _cell(caption: QLabel, *widgets: QWidget) -> QVBoxLayout:
    """A caption over its field and the field's error: how every field of the form reads."""
    box = QVBoxLayout()
    box.setSpacing(3)
    box.addWidget(caption)
    for widget in widgets:
        box.addWidget(widget)
    box.addStretch(1)  # an error under one field must not push its neighbour's caption down
    return box


class PaymentForm(QWidget):
    """Only widgets and layout; RecordPaymentScreen gives them behaviour."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordPaymentForm")
        self._build_consumer()
        self._build_payment(settings)
        self._build_amount(settings)
        self._build_notes(settings)
        title = QLabel("Record Payment")
        title.setProperty("role", "heading")
        keys = QLabel("Enter: next  ·  Esc: back  ·  Ctrl+Enter: review")
        keys.setProperty("role", "muted")
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(keys)
        left = QVBoxLayout()
        left.addWidget(self.consumer_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(4)
        right.addWidget(self.payment_box)
        right.addWidget(self.amount_box)
        last = QHBoxLayout()  # notes and the way forward share a row: all of it fits 1366x768
        last.setSpacing(12)
        last.addWidget(self.notes_box, 1)
        last.addLayout(self._buttons())
        right.addLayout(last)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addLayout(left, 2)
        columns.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(head)
        layout.addLayout(columns, 1)
        order = [self.search, self.results, *self.chain[1:], self.cancel_button]
        for first, second in pairwise(order):
            self.setTabOrder(first, second)
        # Tab (or Alt+D) reaches the date after the channel; Enter's fast path skips it, since
        # nearly every payment is dated today.
        self.setTabOrder(self.channel, self.paid_on)
        self.setTabOrder(self.paid_on, next(iter(self.type_buttons.values())))

    # -- 1 consumer -----------------------------------------------------------------------
    def _build_consumer(self) -> None:
        self.consumer_box = _named(QGroupBox("1  Consumer"), "consumerSection", "Consumer")
        self.search = _named(QLineEdit(), "consumerSearch", "Search consumer")
        self.search.setPlaceholderText("Name, account or invoice number — or scan")
        self.search.setClearButtonEnabled(True)
        self.search_error = error_label("consumerSearchError")
        self.results = ConsumerResults()
        self.results.setMaximumHeight(190)
        self.results.setVisible(False)
        self.account_panel = AccountPanel()
        box = QVBoxLayout(self.consumer_box)
        box.setContentsMargins(*SECTION_MARGINS)
        box.addLayout(_cell(_caption("&Find consumer", self.search), self.search))
        box.addWidget(self.search_error)
        box.addWidget(self.results)
        box.addWidget(self.account_panel)

    def set_choices(self, settings: Settings) -> None:
        """The channels and methods from settings saved while the client runs."""
        for combo, names in (
            (self.channel, settings.channels),
            (self.method, tuple(m.name for m in settings.methods)),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for name in names:
                combo.addItem(name, name)
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
            combo.blockSignals(False)
            if combo.currentData() != chosen:  # the one chosen was removed: say so once
                combo.currentIndexChanged.emit(combo.currentIndex())

    # -- 2 channel, type, items -------------------------------------------------------------
    def _build_payment(self, settings: Settings) -> None:
        self.payment_box = _named(QGroupBox("2  Payment"), "paymentSection", "Payment")
        self.channel = _named(QComboBox(), "paymentChannel", "Channel")
        for channel in settings.channels:
            self.channel.addItem(channel, channel)
        self.types = QButtonGroup(self)
        self.type_buttons: dict[PaymentType, QRadioButton] = {}
        type_row = QHBoxLayout()
        type_row.setSpacing(14)
        for kind, text in TYPE_KEYS.items():
            button = _named(QRadioButton(text), f"type{kind.value}", f"{kind.value} payment")
            self.types.addButton(button)
            self.type_buttons[kind] = button
            type_row.addWidget(button)
        type_row.addStretch(1)
        self.paid_on = _named(QDateEdit(), "paymentDate", "Payment date")
        self.paid_on.setCalendarPopup(True)
        self.paid_on.setDisplayFormat("yyyy-MM-dd")
        self.paid_on.setMaximumDate(QDate.currentDate())  # never in the future; the screen
        self.paid_on.setDate(QDate.currentDate())  # sets both from the counter's clock
        self.paid_on.setToolTip(
            "The day the consumer paid (today unless it came by mail or drop box); "
            f"more than {settings.backdate_days_without_approval} days back needs a supervisor."
        )
        self.date_error = error_label("dateError")
        self.items = UnpaidItemsList()
        self.items.setMinimumHeight(96)
        self.items.setMaximumHeight(106)
        self.items_caption = _caption("I&tems  (Space ticks)", self.items)
        self.items_error = error_label("itemsError")
        grid = QGridLayout(self.payment_box)
        grid.setContentsMargins(*SECTION_MARGINS)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        grid.addLayout(_cell(_caption("C&hannel", self.channel), self.channel), 0, 0)
        type_cell = QVBoxLayout()
        type_cell.setSpacing(3)
        type_cell.addWidget(_caption("Payment type"))
        type_cell.addLayout(type_row)
        type_cell.addStretch(1)  # a two-line hint under the date must not split caption and row
        grid.addLayout(type_cell, 0, 1)
        date_cell = _cell(_caption("Payment &date", self.paid_on), self.paid_on, self.date_error)
        grid.addLayout(date_cell, 0, 2)
        grid.addLayout(_cell(self.items_caption, self.items, self.items_error), 1, 0, 1, 3)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 1)

    # -- 3 method, amount, cash, summary ---------------------------------------------------
    def _build_amount(self, settings: Settings) -> None:
        self.amount_box = _named(QGroupBox("3  Amount"), "amountSection", "Amount")
        self.method = _named(QComboBox(), "paymentMethod", "Payment method")
        for method in settings.methods:
            self.method.addItem(method.name, method.name)
        self.method_error = error_label("methodError")
        self.amount = _named(QLineEdit(), "paymentAmount", "Amount")
        self.amount_error = error_label("amountError")
        self.received = _named(QLineEdit(), "amountReceived", "Amount received")
        self.received.setPlaceholderText("same as amount")
        self.received_error = error_label("receivedError")
        self.change = _named(QLabel("—"), "changeDue", "Change to give")
        self.change.setProperty("role", "kpiValue")
        self.extra_row = QWidget()
        self.extra_row.setObjectName("extraChoice")
        self.extras = QButtonGroup(self)
        self.extra_buttons = {
            Extra.CHANGE: _named(
                QRadioButton("Return as &change"), "extraChange", "Return as change"
            ),
            Extra.CREDIT: _named(
                QRadioButton("&Keep as credit note"), "extraCredit", "Keep as credit note"
            ),
        }
        extra_layout = QHBoxLayout(self.extra_row)
        extra_layout.setContentsMargins(0, 0, 0, 0)
        self.extra_caption = QLabel("")
        self.extra_caption.setObjectName("extraCaption")
        extra_layout.addWidget(self.extra_caption)
        for button in self.extra_buttons.values():
            self.extras.addButton(button)
            extra_layout.addWidget(button)
        extra_layout.addStretch(1)
        self.extra_error = error_label("extraError")
        self.summary = _named(QLabel(""), "paymentSummary", "Payment summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        summary_card = QFrame()
        summary_card.setProperty("role", "card")
        summary_layout = QVBoxLayout(summary_card)
        summary_layout.setContentsMargins(12, 6, 12, 6)
        summary_layout.setSpacing(4)
        summary_layout.addWidget(self.summary)
        summary_layout.addWidget(self.extra_row)
        summary_layout.addWidget(self.extra_error)
        self.received_caption = _caption("Amount &received (cash)", self.received)
        self.change_caption = _caption("Change")
        grid = QGridLayout(self.amount_box)
        grid.setContentsMargins(*SECTION_MARGINS)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        grid.addLayout(
            _cell(_caption("&Method", self.method), self.method, self.method_error), 0, 0
        )
        grid.addLayout(
            _cell(_caption("&Amount", self.amount), self.amount, self.amount_error), 0, 1
        )
        grid.addLayout(_cell(self.received_caption, self.received, self.received_error), 1, 0)
        grid.addLayout(_cell(self.change_caption, self.change), 1, 1)
        grid.addWidget(summary_card, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

    # -- 4 notes and the way forward --------------------------------------------------------
    def _build_notes(self, settings: Settings) -> None:
        self.notes_box = _named(QGroupBox("4  &Notes (optional)"), "notesSection", "Notes")
        self.notes = _named(QPlainTextEdit(), "paymentNotes", "Notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(50)
        self.notes_count = _named(QLabel(f"0 / {settings.notes_max_length}"), "notesCount", "")
        self.notes_count.setProperty("role", "muted")
        self.notes_error = error_label("notesError")
        row = QHBoxLayout()
        row.addWidget(self.notes_error, 1)
        row.addWidget(self.notes_count, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        box = QVBoxLayout(self.notes_box)
        box.setContentsMargins(*SECTION_MARGINS)
        box.setSpacing(2)
        box.addWidget(self.notes)
        box.addLayout(row)

    def _buttons(self) -> QVBoxLayout:
        self.cancel_button = _named(QPushButton("Cancel  (Esc)"), "cancelPayment", "Cancel")
        self.review_button = _named(
            QPushButton("Review  (Ctrl+Enter)"), "reviewPayment", "Review payment"
        )
        self.review_button.setProperty("role", "primary")
        self.review_button.setMinimumHeight(36)
        self.cancel_button.setMinimumHeight(36)
        column = QVBoxLayout()
        column.setSpacing(8)
        column.addStretch(1)
        column.addWidget(self.review_button)
        column.addWidget(self.cancel_button)
        return column

    @property
    def chain(self) -> list[QWidget]:
        """The fields in the order the flow visits them (the tab order)."""
        return [
            self.search,
            self.channel,
            *self.type_buttons.values(),
            self.items,
            self.method,
            self.amount,
            self.received,
            *self.extra_buttons.values(),
            self.notes,
            self.review_button,
        ]
