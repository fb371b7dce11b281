"""Cash in or cash out during a shift: how much, and why (a supervisor reads it later)."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserFacingError
from app.domain.money import parse_amount
from app.domain.shifts import MovementKind, check_movement
from app.services.shifts import ShiftView, move_cash
from ui.context import ClientContext
from ui.ops import ServiceOp

# Offered, not enforced: the cashier may type any reason.
REASONS = {
    MovementKind.IN: ("Float top-up", "Change from the safe", "Other"),
    MovementKind.OUT: ("Bank drop", "Excess cash to the safe", "Petty cash", "Other"),
}


class CashMovementDialog(QDialog):
    moved = Signal(object)  # ShiftView

    def __init__(
        self, context: ClientContext, kind: MovementKind, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        name = "cashIn" if kind is MovementKind.IN else "cashOut"
        self.setObjectName(f"{name}Dialog")
        self.setWindowTitle(kind.label)
        self.setMinimumWidth(420)
        self._context = context
        self._kind = kind
        heading = QLabel(kind.label)
        heading.setProperty("role", "heading")
        hint = QLabel(
            "Cash put into the drawer during the shift."
            if kind is MovementKind.IN
            else "Cash taken out of the drawer during the shift."
        )
        hint.setProperty("role", "muted")
        self.amount = QLineEdit()
        self.amount.setObjectName(f"{name}Amount")
        self.amount.setAccessibleName("Amount")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.reason = QComboBox()
        self.reason.setObjectName(f"{name}Reason")
        self.reason.setAccessibleName("Reason")
        self.reason.setEditable(True)
        self.reason.addItems(REASONS[kind])
        self.reason.setCurrentIndex(-1)
        self.reason.lineEdit().setPlaceholderText("Why the cash moved")
        self.error = QLabel("")
        self.error.setObjectName(f"{name}Error")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        form = QFormLayout()
        amount_caption = QLabel("&Amount")
        amount_caption.setBuddy(self.amount)
        reason_caption = QLabel("&Reason")
        reason_caption.setBuddy(self.reason)
        form.addRow(amount_caption, self.amount)
        form.addRow(reason_caption, self.reason)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(f"Record {kind.label}")
        self.ok_button.setObjectName(f"{name}Button")
        self.ok_button.setAccessibleName(f"Record {kind.label.lower()}")
        self.ok_button.setProperty("role", "primary")
        self.buttons.accepted.connect(self.on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.amount.setFocus()

    def on_buttons_accepted(self) -> None:
        settings = self._context.settings
        amount, reason = self.amount.text(), self.reason.currentText()
        if self.focusWidget() is self.amount and amount.strip() and not reason.strip():
            self.reason.setFocus()  # Enter moves on from the amount to the reason
            return
        try:
            check_movement(parse_amount(amount, settings.currency), reason)
        except UserFacingError as error:
            self._refused(error)
            return
        self.ok_button.setEnabled(False)
        counter, username, kind = self._context.counter, self._context.username, self._kind
        ServiceOp(
            self,
            lambda: move_cash(
                counter.write(), kind, amount=amount, reason=reason, username=username
            ),
        ).success(self._moved).failure(self._refused).run()

    def _moved(self, shift: ShiftView) -> None:
        self.moved.emit(shift)
        self.accept()

    def _refused(self, error: UserFacingError) -> None:
        self.ok_button.setEnabled(True)
        self.error.setText(error.message)
        self.amount.setFocus()
        self.amount.selectAll()
