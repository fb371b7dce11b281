"""Open a shift: the cashier counts the float into the drawer and types what it comes to."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
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
from app.domain.shifts import check_float
from app.services.shifts import ShiftView, open_shift
from ui.context import ClientContext
from ui.ops import ServiceOp


class OpenShiftDialog(QDialog):
    shift_opened = Signal(object)  # ShiftView

    def __init__(
        self, context: ClientContext, parent: QWidget | None = None, *, reason: str = ""
    ) -> None:
        super().__init__(parent)
        self.setObjectName("openShiftDialog")
        self.setWindowTitle("Open a shift")
        self.setMinimumWidth(420)
        self._context = context
        heading = QLabel("Open a shift")
        heading.setProperty("role", "heading")
        self.reason = QLabel(reason)
        self.reason.setObjectName("openShiftReason")
        self.reason.setProperty("role", "error")
        self.reason.setWordWrap(True)
        self.reason.setVisible(bool(reason))
        who = context.actor.full_name if context.actor else ""
        intro = QLabel(
            f"{who}, count the cash you put in the drawer (the float) and type the total. "
            f"Terminal {context.terminal_code}."
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        self.float_edit = QLineEdit()
        self.float_edit.setObjectName("openShiftFloat")
        self.float_edit.setAccessibleName("Opening float")
        self.float_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.float_edit.setPlaceholderText("200.00")
        self.error = QLabel("")
        self.error.setObjectName("openShiftError")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        form = QFormLayout()
        caption = QLabel("Opening &float")
        caption.setBuddy(self.float_edit)
        form.addRow(caption, self.float_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.open_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.open_button.setText("Open Shift")
        self.open_button.setObjectName("openShiftButton")
        self.open_button.setAccessibleName("Open shift")
        self.open_button.setProperty("role", "primary")
        self.buttons.accepted.connect(self.on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.reason)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.float_edit.setFocus()

    def on_buttons_accepted(self) -> None:
        settings = self._context.settings
        text = self.float_edit.text()
        try:
            check_float(parse_amount(text, settings.currency, field="Opening float"))
        except UserFacingError as error:
            self._refused(error)
            return
        self.open_button.setEnabled(False)
        counter, username = self._context.counter, self._context.username
        ServiceOp(
            self, lambda: open_shift(counter.write(), opening_float=text, username=username)
        ).success(self._opened).failure(self._refused).run()

    def _opened(self, shift: ShiftView) -> None:
        self.shift_opened.emit(shift)
        self.accept()

    def _refused(self, error: UserFacingError) -> None:
        self.open_button.setEnabled(True)
        self.error.setText(error.message)
        self.float_edit.selectAll()
        self.float_edit.setFocus()
