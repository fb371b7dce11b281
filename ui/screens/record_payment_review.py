"""Review and confirm: the account summary and the payment summary, Confirm (Enter), Back (Esc)."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

Lines = list[tuple[str, str, str]]  # key, caption, value
MAX_WIDTH = 1000
LONG_VALUES = ("notes",)


class ReviewPanel(QWidget):
    confirmed = Signal()
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPanel")
        self.setAccessibleName("Review payment")
        title = QLabel("Review and confirm")
        title.setProperty("role", "heading")
        hint = QLabel("Check the details with the consumer, then confirm.")
        hint.setProperty("role", "muted")
        self.values: dict[str, QLabel] = {}
        self.account_card, self._account_grid = self._card("reviewAccount", "Account summary")
        self.payment_card, self._payment_grid = self._card("reviewPayment", "Payment summary")
        self.error = QLabel("")
        self.error.setObjectName("reviewError")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.back = QPushButton("Back  (Esc)")
        self.back.setObjectName("reviewBack")
        self.back.setAccessibleName("Back to the payment form")
        self.confirm = QPushButton("Confirm payment  (Enter)")
        self.confirm.setObjectName("reviewConfirm")
        self.confirm.setAccessibleName("Confirm payment")
        self.confirm.setProperty("role", "primary")
        self.confirm.setMinimumHeight(36)
        self.back.setMinimumHeight(36)
        self.back.clicked.connect(self.back_requested)
        self.confirm.clicked.connect(self.on_confirm_clicked)
        cards = QHBoxLayout()
        cards.setSpacing(16)
        cards.addWidget(self.account_card, 1)
        cards.addWidget(self.payment_card, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.back)
        buttons.addWidget(self.confirm)
        column = QWidget()  # a readable width: captions and values stay close on wide screens
        column.setMaximumWidth(MAX_WIDTH)
        inner = QVBoxLayout(column)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(title)
        inner.addWidget(hint)
        inner.addSpacing(8)
        inner.addLayout(cards)
        inner.addWidget(self.error)
        inner.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(column)
        layout.addStretch(1)
        self.setTabOrder(self.confirm, self.back)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for key in ("Return", "Enter"):
            QShortcut(QKeySequence(key), self, self.on_confirm_clicked, context=context)
        QShortcut(QKeySequence("Escape"), self, self.back_requested.emit, context=context)

    def _card(self, name: str, title: str) -> tuple[QFrame, QGridLayout]:
        card = QFrame()
        card.setObjectName(name)
        card.setAccessibleName(title)
        card.setProperty("role", "card")
        grid = QGridLayout(card)
        grid.setContentsMargins(18, 14, 18, 14)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(8)
        heading = QLabel(title)
        heading.setProperty("role", "subheading")
        grid.addWidget(heading, 0, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        return card, grid

    def show_review(self, account: Lines, payment: Lines) -> None:
        """Fill both cards; each line is (key, caption, value), the key names the value label."""
        self.values.clear()
        for grid, lines in ((self._account_grid, account), (self._payment_grid, payment)):
            while grid.count() > 1:
                item = grid.takeAt(1)
                if item.widget() is not None:
                    item.widget().deleteLater()
            for old in range(grid.rowCount()):
                grid.setRowStretch(old, 0)
            row = 1
            for key, caption, value in lines:
                label = QLabel(caption)
                label.setProperty("role", "muted")
                shown = QLabel(value)
                shown.setObjectName(f"review_{key}")
                shown.setWordWrap(True)
                shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                if key in ("total", "change", "balance"):
                    shown.setProperty("role", "subheading")
                grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
                if key in LONG_VALUES:  # free text reads best left-aligned, under its caption
                    row += 1
                    grid.addWidget(shown, row, 0, 1, 2)
                else:
                    shown.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    grid.addWidget(shown, row, 1)
                self.values[key] = shown
                row += 1
            grid.setRowStretch(row, 1)
        self.error.clear()
        self.set_busy(False)
        self.confirm.setFocus()

    def set_busy(self, busy: bool) -> None:
        self.confirm.setEnabled(not busy)
        self.back.setEnabled(not busy)
        self.confirm.setText("Recording…" if busy else "Confirm payment  (Enter)")

    def refuse(self, message: str) -> None:
        """The service said no: nothing was recorded; only Back is left."""
        self.set_busy(False)
        self.confirm.setEnabled(False)
        self.error.setText(f"{message}\nNothing was recorded. Press Esc to go back and change it.")
        self.back.setFocus()

    def on_confirm_clicked(self) -> None:
        if self.confirm.isEnabled():
            self.confirm.setEnabled(False)  # one press, one payment
            self.confirmed.emit()
