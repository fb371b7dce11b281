"""A supervisor approves a shift close with their PIN; the close itself checks it."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class SupervisorPinDialog(QDialog):
    """Shows why approval is needed and asks for a supervisor's user name and PIN.

    It does not check the PIN itself: `approved` hands the credentials to the close, which
    checks them in its own transaction; a refusal comes back through `refuse`.
    """

    approved = Signal(str, str)  # user name, PIN

    def __init__(self, reasons: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("supervisorPinDialog")
        self.setWindowTitle("Supervisor approval")
        self.setMinimumWidth(460)
        heading = QLabel("Supervisor approval needed")
        heading.setProperty("role", "heading")
        self.reasons = QLabel("\n".join(reasons))
        self.reasons.setObjectName("supervisorReasons")
        self.reasons.setWordWrap(True)
        hint = QLabel("A supervisor types their user name and PIN to approve the close.")
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        self.username = QLineEdit()
        self.username.setObjectName("supervisorUsername")
        self.username.setAccessibleName("Supervisor user name")
        self.pin = QLineEdit()
        self.pin.setObjectName("supervisorPin")
        self.pin.setAccessibleName("Supervisor PIN")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel("")
        self.error.setObjectName("supervisorError")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        form = QFormLayout()
        user_caption = QLabel("Supervisor &user name")
        user_caption.setBuddy(self.username)
        pin_caption = QLabel("&PIN")
        pin_caption.setBuddy(self.pin)
        form.addRow(user_caption, self.username)
        form.addRow(pin_caption, self.pin)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.approve_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.approve_button.setText("Approve and Close")
        self.approve_button.setObjectName("supervisorApproveButton")
        self.approve_button.setAccessibleName("Approve and close the shift")
        self.approve_button.setProperty("role", "primary")
        self.buttons.accepted.connect(self.on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.reasons)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
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
