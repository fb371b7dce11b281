"""The Credit Notes tab's search and filters, turned into one CreditNoteQuery."""

import re

from PySide6.QtCore import QDate, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QWidget,
)

from app.domain.credit_notes import CreatedPeriod, CreditNoteStatus, RemainingFilter
from app.services.consumers import ConsumerHit, search_consumers
from app.services.credit_notes_list import CreditNoteQuery
from ui.context import ClientContext
from ui.ops import ServiceOp

STATUSES = (
    CreditNoteStatus.ACTIVE,
    CreditNoteStatus.APPLIED,
    CreditNoteStatus.EXPIRED,
    CreditNoteStatus.PENDING_APPROVAL,
    CreditNoteStatus.REJECTED,
    CreditNoteStatus.CANCELLED,
)
REMAINING = (
    ("Fully used (nothing left)", RemainingFilter.FULLY_USED),
    ("Partial remaining", RemainingFilter.PARTIAL),
    ("Full remaining (unused)", RemainingFilter.FULL),
)
_ACCOUNT_IN_BRACKETS = re.compile(r"\(([^()]+)\)\s*$")


def _combo(name: str, label: str, every: str, values: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(label)
    combo.addItem(every, None)
    for text, value in values:
        combo.addItem(text, value)
    return combo


def _line(name: str, label: str, placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(label)
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    return edit


class ReasonPicker(QToolButton):
    """A multi-select drop-down of the configured reasons; none ticked means every reason."""

    changed = Signal()

    def __init__(self, reasons: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("creditNoteReasons")
        self.setAccessibleName("Reasons")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setMenu(QMenu(self))
        self.setMinimumWidth(150)
        self.set_reasons(reasons)

    def set_reasons(self, reasons: tuple[str, ...]) -> None:
        menu = self.menu()
        menu.clear()
        self.actions_by_reason: dict[str, QAction] = {}
        for reason in reasons:
            action = menu.addAction(reason)
            action.setCheckable(True)
            action.toggled.connect(self._toggled)
            self.actions_by_reason[reason] = action
        self._show_choice()

    def chosen(self) -> tuple[str, ...]:
        return tuple(r for r, a in self.actions_by_reason.items() if a.isChecked())

    def set_chosen(self, reasons: tuple[str, ...]) -> None:
        for reason, action in self.actions_by_reason.items():
            action.blockSignals(True)
            action.setChecked(reason in reasons)
            action.blockSignals(False)
        self._toggled()

    def _toggled(self, *_: object) -> None:
        self._show_choice()
        self.changed.emit()

    def _show_choice(self) -> None:
        chosen = self.chosen()
        if not chosen:
            text = "All reasons"
        elif len(chosen) == 1:
            text = chosen[0]
        else:
            text = f"{len(chosen)} reasons"
        self.setText(text)
        self.setAccessibleDescription(", ".join(chosen) or "All reasons")


class CreditNoteFilters(QWidget):
    changed = Signal()

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("creditNoteFilters")
        self._context = context
        self._build()
        self._suggest_timer = QTimer(self, singleShot=True, interval=150)
        self._suggest_timer.timeout.connect(self._suggest_consumers)
        self._suggestions: list[ConsumerHit] = []

    # -- building -----------------------------------------------------------------------
    def _build(self) -> None:
        self.search = _line(
            "creditNoteSearch",
            "Search credit notes",
            "Search credit note #, consumer, account or receipt…  (Ctrl+F)",
        )
        self.status = _combo(
            "creditNoteStatus", "Status", "All statuses", [(s.value, s.value) for s in STATUSES]
        )
        self.created = _combo(
            "creditNoteCreated",
            "Created date",
            "Any date",
            [
                (p.value if p is not CreatedPeriod.CUSTOM else "Custom range…", p.value)
                for p in CreatedPeriod
            ],
        )
        today = QDate.currentDate()
        self.date_from = self._date(
            "creditNoteFrom", "Created from", today.addDays(1 - today.day())
        )
        self.date_to = self._date("creditNoteTo", "Created to", today)
        self.reasons = ReasonPicker(self._context.settings.credit_note_reasons)
        self.consumer = _line(
            "creditNoteConsumer", "Consumer", "Consumer: type a name or account, then choose"
        )
        self._consumer_model = QStringListModel(self)
        completer = QCompleter(self._consumer_model, self.consumer)
        completer.setObjectName("consumerCompleter")
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(self.on_completer_activated)
        self.consumer.setCompleter(completer)
        self.consumer.textEdited.connect(self.on_consumer_text_edited)
        self.remaining = _combo(
            "creditNoteRemaining",
            "Remaining",
            "Any remaining",
            [(t, v.value) for t, v in REMAINING],
        )
        self.receipt = _line("creditNoteReceipt", "Linked payment", "Linked receipt #")
        numeric = QRegularExpressionValidator(r"[0-9]{0,10}([.,][0-9]{0,2})?", self)
        self.amount_min = _line("creditNoteAmountMin", "Minimum amount", "Min amount")
        self.amount_max = _line("creditNoteAmountMax", "Maximum amount", "Max amount")
        for edit in (self.amount_min, self.amount_max):
            edit.setValidator(numeric)  # numbers only, as typed; the service checks min <= max
            edit.setMaximumWidth(120)
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setObjectName("clearCreditNoteFilters")
        self.clear_button.setAccessibleName("Clear filters")
        self.clear_button.clicked.connect(self.clear)
        self._layout()
        self._connect()

    def _date(self, name: str, label: str, value: QDate) -> QDateEdit:
        edit = QDateEdit(value)
        edit.setObjectName(name)
        edit.setAccessibleName(label)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd MMM yyyy")
        edit.setVisible(False)  # only for a custom range
        return edit

    def _layout(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        first = QHBoxLayout()
        first.addWidget(self.search, 3)
        first.addWidget(self.status, 1)
        first.addWidget(self.created, 1)
        first.addWidget(self.date_from)
        self.date_dash = QLabel("–")
        self.date_dash.setVisible(False)
        first.addWidget(self.date_dash)
        first.addWidget(self.date_to)
        first.addWidget(self.reasons, 1)
        second = QHBoxLayout()
        second.addWidget(self.consumer, 2)
        second.addWidget(self.remaining, 1)
        second.addWidget(self.receipt, 1)
        second.addWidget(self.amount_min)
        second.addWidget(QLabel("–"))
        second.addWidget(self.amount_max)
        second.addWidget(self.clear_button)
        grid.addLayout(first, 0, 0)
        grid.addLayout(second, 1, 0)

    def _connect(self) -> None:
        for edit in (self.search, self.consumer, self.receipt, self.amount_min, self.amount_max):
            edit.textChanged.connect(self.changed)
        for combo in (self.status, self.remaining):
            combo.currentIndexChanged.connect(self.changed)
        self.created.currentIndexChanged.connect(self.on_created_current_index_changed)
        for date_edit in (self.date_from, self.date_to):
            date_edit.dateChanged.connect(self.changed)
        self.reasons.changed.connect(self.changed)

    def set_context(self, context: ClientContext) -> None:
        self._context = context
        if context.settings.credit_note_reasons != tuple(self.reasons.actions_by_reason):
            self.reasons.set_reasons(context.settings.credit_note_reasons)

    # -- reading --------------------------------------------------------------------------
    def query(self) -> CreditNoteQuery:
        period = self.created.currentData()
        custom = period == CreatedPeriod.CUSTOM.value
        return CreditNoteQuery(
            search=self.search.text().strip() or None,
            status=self.status.currentData(),
            account_number=self.consumer_account(),
            consumer=None if self.consumer_account() else self.consumer.text().strip() or None,
            created=period,
            date_from=self.date_from.date().toPython() if custom else None,
            date_to=self.date_to.date().toPython() if custom else None,
            reasons=self.reasons.chosen(),
            remaining=self.remaining.currentData(),
            receipt_number=self.receipt.text().strip() or None,
            amount_min=self.amount_min.text().strip() or None,
            amount_max=self.amount_max.text().strip() or None,
        )

    def consumer_account(self) -> str | None:
        """The account of the consumer chosen as 'Name (ACCOUNT)'; None while still typing."""
        found = _ACCOUNT_IN_BRACKETS.search(self.consumer.text().strip())
        return found.group(1).strip() if found else None

    def clear(self) -> None:
        widgets = (self, self.search, self.status, self.created, self.remaining, self.reasons)
        for widget in widgets:
            widget.blockSignals(True)
        for edit in (self.search, self.consumer, self.receipt, self.amount_min, self.amount_max):
            edit.clear()
        for combo in (self.status, self.created, self.remaining):
            combo.setCurrentIndex(0)
        self.reasons.set_chosen(())
        self._show_dates(False)
        for widget in widgets:
            widget.blockSignals(False)
        self.changed.emit()

    # -- slots ------------------------------------------------------------------------------
    def on_created_current_index_changed(self, _index: int) -> None:
        self._show_dates(self.created.currentData() == CreatedPeriod.CUSTOM.value)
        self.changed.emit()

    def _show_dates(self, visible: bool) -> None:
        for widget in (self.date_from, self.date_dash, self.date_to):
            widget.setVisible(visible)

    def on_consumer_text_edited(self, _text: str) -> None:
        self._suggest_timer.start()

    def on_completer_activated(self, text: str) -> None:
        self.consumer.setText(text)

    def _suggest_consumers(self) -> None:
        text = self.consumer.text().strip()
        if len(text) < 2 or _ACCOUNT_IN_BRACKETS.search(text):
            return
        counter = self._context.counter
        ServiceOp(self, lambda: search_consumers(counter.read(), text, 10), read=True).success(
            self._show_suggestions
        ).failure(lambda _e: None).run()

    def _show_suggestions(self, hits: list[ConsumerHit]) -> None:
        self._suggestions = hits
        self._consumer_model.setStringList([f"{h.name} ({h.account_number})" for h in hits])
        if hits and self.consumer.hasFocus():
            self.consumer.completer().complete()
