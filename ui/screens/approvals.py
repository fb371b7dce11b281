"""Credit notes waiting for a billing manager: approve, or reject with a reason."""

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Area
from app.domain.errors import UserFacingError
from app.domain.roles import PERMISSIONS
from app.services.credit_note_approvals import (
    CreditNoteDecided,
    approve_credit_note,
    pending_approvals,
    reject_credit_note,
)
from app.services.credit_notes_list import CreditNoteRow
from ui.context import ClientContext
from ui.models.credit_notes_model import CreditNotesModel
from ui.ops import ReadOp, ServiceOp, hub
from ui.screens.credit_notes_tab import PillDelegate
from ui.widgets.toast import show_toast

COLUMNS = ("number", "consumer", "amount", "reason", "created_by", "created", "receipt", "remarks")


def _button(name: str, text: str, role: str | None = None) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text)
    button.setAutoDefault(False)
    if role:
        button.setProperty("role", role)
    return button


class ApprovalsScreen(QWidget):
    credit_note_opened = Signal(str)
    payment_opened = Signal(str)

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("approvalsScreen")
        self._context = context
        self._busy = False
        self.toast = None
        self._refresh_timer = QTimer(self, singleShot=True, interval=250)
        self._refresh_timer.timeout.connect(self.refresh)
        self._build()
        self.set_context(context)
        hub.changed.connect(self.on_hub_changed)

    # -- building -----------------------------------------------------------------------
    def _build(self) -> None:
        heading = QLabel("Credit Note Approvals")
        heading.setProperty("role", "heading")
        self.explanation = QLabel("")
        self.explanation.setObjectName("approvalsExplanation")
        self.explanation.setProperty("role", "muted")
        self.explanation.setWordWrap(True)
        self.model = CreditNotesModel(self._context, self, columns=COLUMNS)
        self.table = QTableView()
        self.table.setObjectName("approvalsTable")
        self.table.setAccessibleName("Credit notes waiting for approval")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(34)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.pills = PillDelegate(self.table)
        self.table.setItemDelegateForColumn(self.model.column_of("reason"), self.pills)
        self.table.doubleClicked.connect(self.on_table_double_clicked)
        self.table.clicked.connect(self.on_table_clicked)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(
                QKeySequence(key),
                self.table,
                activated=self.on_details_button_clicked,
                context=Qt.ShortcutContext.WidgetShortcut,
            )
        self.empty = QLabel("Nothing is waiting for approval.")
        self.empty.setObjectName("approvalsEmpty")
        self.empty.setProperty("role", "subheading")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        self.count = QLabel("")
        self.count.setObjectName("approvalsCount")
        self.count.setProperty("role", "muted")
        self.error = QLabel("")
        self.error.setObjectName("approvalsError")
        self.error.setProperty("role", "error")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.explanation)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.count)
        layout.addWidget(self._decision_bar())
        layout.addWidget(self.error)

    def _decision_bar(self) -> QWidget:
        self.details_button = _button("approvalDetailsButton", "View details")
        self.details_button.clicked.connect(self.on_details_button_clicked)
        self.approve_button = _button("approveButton", "Approve", "primary")
        self.approve_button.clicked.connect(self.on_approve_button_clicked)
        self.reject_reason = QLineEdit()
        self.reject_reason.setObjectName("rejectReason")
        self.reject_reason.setAccessibleName("Reason for rejecting")
        self.reject_reason.setPlaceholderText("Reason for rejecting (required to reject)…")
        self.reject_reason.setMaxLength(500)
        self.reject_reason.textChanged.connect(self._update_buttons)
        self.reject_reason.returnPressed.connect(self.on_reject_button_clicked)
        self.reject_button = _button("rejectButton", "Reject", "danger")
        self.reject_button.clicked.connect(self.on_reject_button_clicked)
        self.decision_bar = QWidget()
        row = QHBoxLayout(self.decision_bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.details_button)
        row.addStretch(1)
        row.addWidget(self.approve_button)
        row.addSpacing(16)
        row.addWidget(self.reject_reason, 2)
        row.addWidget(self.reject_button)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        return self.decision_bar

    # -- loading --------------------------------------------------------------------------
    def set_context(self, context: ClientContext) -> None:
        self._context = context
        self.model.set_context(context)
        limit = context.money(context.settings.credit_note_approval_minor)
        text = f"Credit notes above {limit} wait here until a billing manager approves them."
        if not self.may_decide:
            text += " Only a billing manager or an admin can approve or reject them."
        self.explanation.setText(text)
        for widget in (self.approve_button, self.reject_reason, self.reject_button):
            widget.setVisible(self.may_decide)
        self._update_buttons()

    @property
    def may_decide(self) -> bool:
        actor = self._context.actor
        return actor is not None and actor.role in PERMISSIONS["approve_credit_note"]

    def on_hub_changed(self, areas: frozenset) -> None:
        if areas & {Area.CREDIT_NOTES, Area.APPROVALS}:
            self._refresh_timer.start()

    def refresh(self) -> None:
        ReadOp(self, self._context, pending_approvals).success(self._loaded).failure(
            lambda e: self.error.setText(e.message)
        ).run()

    def _loaded(self, rows: list[CreditNoteRow]) -> None:
        chosen = self.selected()
        self.model.set_rows(rows)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.count.setText(f"{len(rows)} waiting" if rows else "")
        self.decision_bar.setVisible(bool(rows))
        numbers = [r.number for r in rows]
        if rows:
            keep = numbers.index(chosen.number) if chosen and chosen.number in numbers else 0
            self.table.selectRow(keep)
        self._update_buttons()

    def selected(self) -> CreditNoteRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self, *_: object) -> None:
        chosen = self.selected() is not None and not self._busy
        self.details_button.setEnabled(chosen)
        self.approve_button.setEnabled(chosen)
        self.reject_button.setEnabled(chosen and bool(self.reject_reason.text().strip()))

    # -- slots ------------------------------------------------------------------------------
    def on_table_clicked(self, index: QModelIndex) -> None:
        if self.model.column_key(index.column()) == "receipt":
            self.payment_opened.emit(self.model.row_at(index.row()).receipt_number)
        elif self.model.column_key(index.column()) == "number":
            self.credit_note_opened.emit(self.model.row_at(index.row()).number)

    def on_table_double_clicked(self, index: QModelIndex) -> None:
        if self.model.column_key(index.column()) not in ("receipt", "number"):
            self.credit_note_opened.emit(self.model.row_at(index.row()).number)

    def on_details_button_clicked(self) -> None:
        note = self.selected()
        if note is not None:
            self.credit_note_opened.emit(note.number)

    def on_approve_button_clicked(self) -> None:
        note = self.selected()
        if note is None or self._busy:
            return
        counter, user, number = self._context.counter, self._context.username, note.number
        self._decide(lambda: approve_credit_note(counter.write(), number, user))

    def on_reject_button_clicked(self) -> None:
        note, reason = self.selected(), self.reject_reason.text()
        if note is None or self._busy or not reason.strip():
            return
        counter, user, number = self._context.counter, self._context.username, note.number
        self._decide(lambda: reject_credit_note(counter.write(), number, reason, user))

    def _decide(self, call: Callable[[], CreditNoteDecided]) -> None:
        self._busy = True
        self._update_buttons()
        ServiceOp(self, call).success(self._decided).failure(self._failed).run()

    def _decided(self, result: CreditNoteDecided) -> None:
        self._busy = False
        self.reject_reason.clear()
        self.error.setText("")
        outcome = "approved" if result.reason is None else f"rejected: {result.reason}"
        self.toast = show_toast(self, f"Credit note {result.number} {outcome}.")
        self.refresh()

    def _failed(self, error: UserFacingError) -> None:
        self._busy = False
        self.error.setText(error.message)
        self.toast = show_toast(self, error.message, kind="error")
        self._update_buttons()
