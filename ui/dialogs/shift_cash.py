"""Cash in or cash out during a shift: how much, and why (a supervisor reads it later)."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from app.domain.errors import UserFacingError
from app.domain.money import parse_amount
from app.domain.shifts import MovementKind, check_movement
from app.services.shifts import ShiftView, move_cash
from ui.context import ClientContext
from ui.ops import WriteOp
from ui.widgets.form_dialog import FormDialog
from ui.widgets.style import role_label

# Offered, not enforced: the cashier may type any reason.
REASONS = {
    MovementKind.IN: ("Float top-up", "Change from the safe", "Other"),
    MovementKind.OUT: ("Bank drop", "Excess cash to the safe", "Petty cash", "Other"),
}


class CashMovementDialog(FormDialog):
    moved = Signal(object)  # ShiftView

    def __init__(
        self, context: ClientContext, kind: MovementKind, parent: QWidget | None = None
    ) -> None:
        name = "cashIn" if kind is MovementKind.IN else "cashOut"
        super().__init__(parent, name=f"{name}Dialog", title=kind.label, error_name=f"{name}Error")
        self._context = context
        self._kind = kind
        into = kind is MovementKind.IN
        self.add_line(
            role_label(
                f"Cash {'put into' if into else 'taken out of'} the drawer during the shift.",
                "muted",
            )
        )
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
        self.add_field("&Amount", self.amount)
        self.add_field("&Reason", self.reason)
        self.name_ok(f"Record {kind.label}", f"{name}Button", f"Record {kind.label.lower()}")
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
        username, kind = self._context.username, self._kind
        WriteOp(
            self,
            self._context,
            lambda uow: move_cash(uow, kind, amount=amount, reason=reason, username=username),
        ).success(self._moved).failure(self._refused).run()

    def _moved(self, shift: ShiftView) -> None:
        self.moved.emit(shift)
        self.accept()

    def _refused(self, error: UserFacingError) -> None:
        self.ok_button.setEnabled(True)
        self.error.setText(error.message)
        self.amount.setFocus()
        self.amount.selectAll()
