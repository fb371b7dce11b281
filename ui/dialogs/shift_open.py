"""Open a shift: the cashier counts the float into the drawer and types what it comes to."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from app.domain.errors import UserFacingError
from app.domain.money import parse_amount
from app.domain.shifts import check_float
from app.services.shifts import ShiftView, open_shift
from ui.context import ClientContext
from ui.ops import WriteOp
from ui.widgets.form_dialog import FormDialog
from ui.widgets.style import role_label


class OpenShiftDialog(FormDialog):
    shift_opened = Signal(object)  # ShiftView

    def __init__(
        self, context: ClientContext, parent: QWidget | None = None, *, reason: str = ""
    ) -> None:
        super().__init__(
            parent, name="openShiftDialog", title="Open a shift", error_name="openShiftError"
        )
        self._context = context
        self.reason = role_label(reason, "error", name="openShiftReason")
        self.reason.setWordWrap(True)
        self.reason.setVisible(bool(reason))
        self.add_line(self.reason)
        who = context.actor.full_name if context.actor else ""
        intro = role_label(
            f"{who}, count the cash you put in the drawer (the float) and type the total. "
            f"Terminal {context.terminal_code}.",
            "muted",
        )
        intro.setWordWrap(True)
        self.add_line(intro)
        self.float_edit = QLineEdit()
        self.float_edit.setObjectName("openShiftFloat")
        self.float_edit.setAccessibleName("Opening float")
        self.float_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.float_edit.setPlaceholderText("200.00")
        self.add_field("Opening &float", self.float_edit)
        self.open_button = self.name_ok("Open Shift", "openShiftButton", "Open shift")
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
        username = self._context.username
        WriteOp(
            self, self._context, lambda uow: open_shift(uow, opening_float=text, username=username)
        ).success(self._opened).failure(self._refused).run()

    def _opened(self, shift: ShiftView) -> None:
        self.shift_opened.emit(shift)
        self.accept()

    def _refused(self, error: UserFacingError) -> None:
        self.open_button.setEnabled(True)
        self.error.setText(error.message)
        self.float_edit.selectAll()
        self.float_edit.setFocus()
