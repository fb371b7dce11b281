"""The consumer profile's "Disputes" tab: the consumer's special circumstances and payment
preferences (who set them, when) and their disputes, with New dispute, Update and Special
circumstances - each a keyboard-first dialog."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserFacingError
from app.services.circumstances import CircumstancesView, circumstances_of
from app.services.disputes import DisputeSubjects, DisputeView, dispute_subjects, disputes_of
from app.services.runtime import Counter
from ui.context import ClientContext
from ui.dialogs.dispute_circumstances import CircumstancesDialog
from ui.dialogs.dispute_dialogs import OpenDisputeDialog, UpdateDisputeDialog, local_day
from ui.ops import ServiceOp

HEADERS = ("Id", "On", "Status", "Owner", "Opened", "Reason", "Resolution")
REASON, RESOLUTION = 5, 6


def _load(counter: Counter, account: str) -> tuple[CircumstancesView, list[DisputeView]]:
    return circumstances_of(counter.read(), account), disputes_of(counter.read(), account)


class ConsumerHoldsPanel(QWidget):
    disputes_counted = Signal(int)  # the consumer's disputes, for the tab's label

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consumerHolds")
        self._context = context
        self._account: str | None = None
        self._generation = 0
        self.disputes: list[DisputeView] = []
        self.circumstances: CircumstancesView | None = None
        self.summary = QLabel("")
        self.summary.setObjectName("circumstancesSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("disputesTable")
        self.table.setAccessibleName("Disputes")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab goes on to the buttons; arrows move rows
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (REASON, RESOLUTION):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda _index: self.on_update_button_clicked())
        self.new_button = self._button("newDisputeButton", "New &dispute…")
        self.new_button.clicked.connect(self.on_new_button_clicked)
        self.update_button = self._button("updateDisputeButton", "&Update dispute…")
        self.update_button.clicked.connect(self.on_update_button_clicked)
        self.circumstances_button = self._button("circumstancesButton", "Special &circumstances…")
        self.circumstances_button.clicked.connect(self.on_circumstances_button_clicked)
        self.empty = QLabel("No disputes recorded for this consumer.")
        self.empty.setObjectName("disputesEmpty")
        self.empty.setProperty("role", "muted")
        self.empty.hide()
        self.message = QLabel("")
        self.message.setObjectName("holdsMessage")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QHBoxLayout()
        for button in (self.new_button, self.update_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.circumstances_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def _button(self, name: str, text: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setEnabled(False)
        return button

    def set_context(self, context: ClientContext) -> None:
        self._context = context

    # -- loading ------------------------------------------------------------------------
    def show_for(self, account_number: str) -> None:
        self._account = account_number
        self._generation += 1
        generation, counter = self._generation, self._context.counter
        ServiceOp(self, lambda: _load(counter, account_number), read=True).success(
            lambda found: self._arrived(found, generation)
        ).failure(self._show_error).run()

    def reload(self) -> None:
        if self._account:
            self.show_for(self._account)

    def _arrived(self, found: tuple[CircumstancesView, list[DisputeView]], generation: int) -> None:
        if generation != self._generation:
            return
        self.circumstances, self.disputes = found
        self.message.hide()
        self._show_summary(self.circumstances)
        self._show_disputes(self.disputes)
        self.disputes_counted.emit(len(self.disputes))
        for button in (self.new_button, self.circumstances_button):
            button.setEnabled(True)
        self.update_button.setEnabled(any(d.active for d in self.disputes))

    def _show_summary(self, c: CircumstancesView) -> None:
        parts = [f"Special circumstances: {c.words}."]
        if c.needs_review:
            parts.append("Recovery charges nothing automatically before a review.")
        prefs = [
            f"channel {c.preferred_channel}" if c.preferred_channel else "",
            f"{c.preferred_from}-{c.preferred_until}" if c.preferred_from else "",
            f"language {c.language}" if c.language else "",
        ]
        if any(prefs):
            parts.append("Prefers " + ", ".join(p for p in prefs if p) + ".")
        if c.set_at is not None:
            parts.append(f"Set by {c.set_by}, {self._context.moment(c.set_at)}.")
        self.summary.setText(" ".join(parts))

    def _show_disputes(self, disputes: list[DisputeView]) -> None:
        self.table.setRowCount(len(disputes))
        self.empty.setVisible(not disputes)
        for row, d in enumerate(disputes):
            cells = (
                d.short_id, d.subject_number, d.status_words, d.owner or "—",
                f"{local_day(self._context, d.opened_at)} · {d.opened_by}", d.reason,
                d.resolution or "—",
            )  # fmt: skip
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        if disputes:
            self.table.selectRow(0)

    def _show_error(self, error: UserFacingError) -> None:
        self.message.setText(error.message)
        self.message.show()

    # -- actions ------------------------------------------------------------------------
    def on_new_button_clicked(self) -> None:
        account, counter = self._account, self._context.counter
        if not account:
            return
        ServiceOp(self, lambda: dispute_subjects(counter.read(), account), read=True).success(
            lambda subjects: self._open_new(subjects)
        ).failure(self._show_error).run()

    def _open_new(self, subjects: DisputeSubjects) -> None:
        if self._account is None:
            return
        dialog = OpenDisputeDialog(self._context, self._account, subjects, self)
        dialog.dispute_saved.connect(lambda _saved: self.reload())
        dialog.open()

    def selected(self) -> DisputeView | None:
        row = self.table.currentRow()
        return self.disputes[row] if 0 <= row < len(self.disputes) else None

    def on_update_button_clicked(self) -> None:
        dispute = self.selected()
        if dispute is None or not dispute.active:
            return
        dialog = UpdateDisputeDialog(self._context, dispute, self)
        dialog.dispute_saved.connect(lambda _saved: self.reload())
        dialog.open()

    def on_circumstances_button_clicked(self) -> None:
        if self.circumstances is None:
            return
        dialog = CircumstancesDialog(self._context, self.circumstances, self)
        dialog.circumstances_saved.connect(lambda _saved: self.reload())
        dialog.open()
