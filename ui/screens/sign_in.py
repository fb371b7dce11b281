"""Sign-in and unlock: user name and PIN or password; the role decides what is shown.

The screen is shown before the counter's database is open (ui/app.py opens it after the first
frame): a sign-in submitted before then waits for it, busy, and goes on once it is open."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.context import ClientContext
from ui.ops import WriteOp

if TYPE_CHECKING:  # the services load SQLAlchemy, which the first frame does not wait for
    from app.services.actors import Actor


class SignInScreen(QWidget):
    signed_in = Signal(object)  # Actor

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInScreen")
        self._context = context
        card = QFrame(self)
        card.setProperty("role", "card")
        card.setFixedWidth(380)
        self.heading = QLabel("Sign in to Tilldesk")
        self.heading.setProperty("role", "heading")
        self.subtitle = QLabel("")
        self.subtitle.setProperty("role", "muted")
        self.username = QLineEdit()
        self.username.setObjectName("signInUsername")
        self.username.setAccessibleName("User name")
        self.username.setPlaceholderText("e.g. jsmith")
        self.secret = QLineEdit()
        self.secret.setObjectName("signInPin")
        self.secret.setAccessibleName("PIN or password")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel("")
        self.error.setObjectName("signInError")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.button = QPushButton("Sign in")
        self.button.setObjectName("signInButton")
        self.button.setAccessibleName("Sign in")
        self.button.setDefault(True)
        self.button.setProperty("role", "primary")
        form = QFormLayout()
        form.addRow("User name", self.username)
        form.addRow("PIN", self.secret)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 28, 28, 28)
        inner.addWidget(self.heading)
        inner.addWidget(self.subtitle)
        inner.addSpacing(12)
        inner.addLayout(form)
        inner.addWidget(self.error)
        inner.addWidget(self.button)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self._waiting = False  # submitted before the counter was open: signs in when it is
        self.username.returnPressed.connect(self.secret.setFocus)
        self.secret.returnPressed.connect(self.on_button_clicked)
        self.button.clicked.connect(self.on_button_clicked)

    def prepare(self, *, locked_user: str | None = None) -> None:
        """Show the empty form; when the screen was locked, only that user (or a supervisor)."""
        self.secret.clear()
        self.error.clear()
        if locked_user:
            self.heading.setText("Screen locked")
            self.subtitle.setText(f"{locked_user} was signed in. Enter the PIN to continue.")
            self.username.setText(locked_user)
            self.secret.setFocus()
        else:
            self.heading.setText("Sign in to Tilldesk")
            self.subtitle.setText(self._terminal_line())
            self.username.clear()
            self.username.setFocus()

    def _terminal_line(self) -> str:
        code = self._context.terminal_code
        return f"Terminal {code}" if code else ""  # known once the counter is open

    @property
    def waiting_for_counter(self) -> bool:
        return self._waiting

    def counter_ready(self, context: ClientContext) -> None:
        """The counter is open: the terminal's code shows, a waiting sign-in goes on."""
        self._context = context
        if self.heading.text() == "Sign in to Tilldesk":  # not the lock screen's own line
            self.subtitle.setText(self._terminal_line())
        if self._waiting:
            self._waiting = False
            self.unsetCursor()
            self.button.setEnabled(True)
            self.on_button_clicked()

    def on_button_clicked(self) -> None:
        username, secret = self.username.text().strip(), self.secret.text()
        if not username or not secret:
            self.error.setText("Enter your user name and PIN.")
            return
        from app.services.actors import sign_in

        self.button.setEnabled(False)
        if self._context.counter is None:  # the first frame came before the database
            self._waiting = True
            self.setCursor(Qt.CursorShape.BusyCursor)
            self.error.clear()
            self.subtitle.setText("Opening the counter...")  # a wait, not an error
            return
        WriteOp(self, self._context, lambda uow: sign_in(uow, username, secret)).success(
            self._accepted
        ).failure(self._refused).run()

    def _accepted(self, actor: Actor) -> None:
        self.button.setEnabled(True)
        self.secret.clear()
        self.signed_in.emit(actor)

    def _refused(self, error: Exception) -> None:
        self.button.setEnabled(True)
        self.error.setText(str(error))
        self.secret.selectAll()
        self.secret.setFocus()
