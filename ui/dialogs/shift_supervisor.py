"""A supervisor approves with their PIN (a shift close, a back-dated payment); the use case
itself checks it."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from ui.widgets.form_dialog import FormDialog
from ui.widgets.style import role_label


class SupervisorPinDialog(FormDialog):
    """Shows why approval is needed and asks for a supervisor's user name and PIN.

    It does not check the PIN itself: `approved` hands the credentials to the close, which
    checks them in its own transaction; a refusal comes back through `refuse`.
    """

    approved = Signal(str, str)  # user name, PIN

    def __init__(
        self,
        reasons: tuple[str, ...],
        parent: QWidget | None = None,
        *,
        verb: str = "Approve and Close",
    ) -> None:
        super().__init__(
            parent,
            name="supervisorPinDialog",
            title="Supervisor approval",
            heading="Supervisor approval needed",
            width=460,
            error_name="supervisorError",
        )
        self.reasons = role_label("\n".join(reasons), name="supervisorReasons")
        self.reasons.setWordWrap(True)
        self.add_line(self.reasons)
        hint = role_label("A supervisor types their user name and PIN to approve.", "muted")
        hint.setWordWrap(True)
        self.add_line(hint)
        self.username = QLineEdit()
        self.username.setObjectName("supervisorUsername")
        self.username.setAccessibleName("Supervisor user name")
        self.pin = QLineEdit()
        self.pin.setObjectName("supervisorPin")
        self.pin.setAccessibleName("Supervisor PIN")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_field("Supervisor &user name", self.username)
        self.add_field("&PIN", self.pin)
        self.approve_button = self.name_ok(verb, "supervisorApproveButton", verb)
        self.username.setFocus()

    def on_buttons_accepted(self) -> None:
        username, pin = self.username.text().strip(), self.pin.text()
        if not username or not pin:  # Enter moves on to the field still empty
            (self.pin if username else self.username).setFocus()
            return
        self.approve_button.setEnabled(False)
        self.error.setText("Checking…")
        self.approved.emit(username, pin)

    def refuse(self, message: str) -> None:
        """The close said no (wrong PIN, not a supervisor): try again or cancel."""
        self.approve_button.setEnabled(True)
        self.error.setText(message)
        self.pin.clear()
        self.pin.setFocus()
