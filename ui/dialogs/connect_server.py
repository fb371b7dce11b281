"""Connect to a server (the Sync screen, admins, a counter that runs on its own): the first-run
wizard's server questions and the terminal code, then the wizard's registrar on the worker and
the background sync started - no restart. The dialog says beforehand what connecting a counter
that already holds records does; a refusal (out of reach, wrong password, fingerprint, code
taken) is shown here and nothing changes on the counter."""

from dataclasses import dataclass, field

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QLineEdit, QProgressBar, QWidget

from app.domain.changes import Area
from app.domain.errors import UserFacingError
from app.services.sync_status import SyncStatus
from ui.context import ClientContext
from ui.ops import ServiceOp, hub
from ui.server_link import ServerLink
from ui.widgets.form_dialog import FormDialog
from ui.widgets.server_fields import ServerFields
from ui.widgets.style import role_label

NO_ADDRESS = "Give the server's address, such as https://sync.example:8443."


@dataclass(frozen=True)
class Connected:
    server_url: str
    terminal_code: str
    changes: frozenset[Area] = field(default=frozenset({Area.SYNC}))


def what_happens(code: str, pending: int) -> str:
    """Connecting a counter already in use, said before the admin presses Connect."""
    if pending:
        records = f"{pending} record{'' if pending == 1 else 's'}"
        sent = f"the {records} waiting on this counter (payments, credit notes, shifts...) and "
        sent += "its audit log are sent to the server"
    else:
        sent = "no record is waiting to be sent; this counter's audit log goes to the server"
    return (
        f"Connect registers this counter with the server as terminal {code}; its token is kept "
        "in this computer's keyring and the server admin's password is used once, not kept. "
        "Then the sync starts in the background while the counter stays usable:\n"
        f"• {sent};\n"
        "• the server's consumers, bills, staff and settings are loaded here - the first load "
        "can take several minutes - and the server's settings replace this counter's.\n"
        "A record the server cannot accept (such as a payment for a consumer it does not know) "
        "is parked and listed on the Sync screen. If connecting fails, nothing changes here."
    )


class ConnectServerDialog(FormDialog):
    connected = Signal(object)  # Connected

    def __init__(
        self,
        context: ClientContext,
        link: ServerLink,
        status: SyncStatus,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            parent,
            name="connectServerDialog",
            title="Connect to a server",
            width=600,
            error_name="connectServerError",
        )
        self.setAccessibleName("Connect to a server")
        self._context = context
        self._link = link
        self.busy = False
        own_code = context.terminal_code or status.terminal_code or ""
        self.explanation = role_label(
            what_happens(own_code, status.pending_count), "muted", name="connectServerWhat"
        )
        self.explanation.setWordWrap(True)
        self.add_line(self.explanation)
        self.fields = ServerFields(self.form, "connect")
        self.code = QLineEdit(own_code)
        self.code.setObjectName("connectTerminalCode")
        self.code.setAccessibleName("Terminal code")
        self.code.setMaxLength(8)
        self.code.setPlaceholderText(own_code)
        self.add_field("Terminal co&de", self.code)
        self.progress = QProgressBar()
        self.progress.setObjectName("connectServerProgress")
        self.progress.setAccessibleName("Connecting")
        self.progress.setRange(0, 0)  # busy: a registration cannot say how far it is
        self.progress.hide()
        self.add_below(self.progress)
        self.status = role_label("", "muted", name="connectServerStatus")
        self.add_below(self.status)
        for edit in (*self.fields.edits(), self.code):  # a refusal shown is about old answers
            signal = edit.toggled if isinstance(edit, QCheckBox) else edit.textEdited
            signal.connect(self.on_answers_edited)
        self.name_ok("&Connect", "connectServerOk", "Connect to the server")
        self.fields.url.setFocus()

    def on_buttons_accepted(self) -> None:
        if self.busy:
            return
        answers = self.fields.answers()
        problem = self.fields.first_problem() if answers.wanted else NO_ADDRESS
        if problem:
            self._say(problem)
            return
        code = self.code.text().strip().upper() or self._context.terminal_code
        database = self._context.counter.database
        register = self._link.registrar(answers, code, database.path.parent)
        start_sync = self._link.start_sync
        url = answers.url.rstrip("/")

        def connect() -> Connected:
            register(database)  # refused: UserFacingError, nothing kept on the counter
            start_sync()
            return Connected(url, code)

        self._set_busy(True)
        self.error.setText("")
        self.status.setText(f"Connecting to {url} as terminal {code}...")
        ServiceOp(self, connect).success(self._on_connected).failure(self._on_refused).run()

    def on_answers_edited(self) -> None:
        if not self.busy:
            self.error.setText("")

    def reject(self) -> None:
        if not self.busy:  # half-way through a registration, Cancel and Esc wait for it
            self.fields.admin_password.clear()  # used once, not kept
            super().reject()

    def _set_busy(self, busy: bool) -> None:
        if busy == self.busy:  # idle already: an unexpected error came first
            return
        self.busy = busy
        self.progress.setVisible(busy)
        if not busy:
            self.status.setText("")
        for button in self.buttons.buttons():
            button.setEnabled(not busy)
        for edit in (*self.fields.edits(), self.code):
            edit.setEnabled(not busy)
        if busy:  # an unexpected error also opens the crash dialog; this one stops waiting
            hub.unexpected_error.connect(self._on_unexpected)
        else:
            hub.unexpected_error.disconnect(self._on_unexpected)

    def _on_connected(self, result: Connected) -> None:
        self._set_busy(False)
        self.fields.admin_password.clear()  # used once, not kept
        self.connected.emit(result)
        self.accept()

    def _on_refused(self, error: UserFacingError) -> None:
        self._set_busy(False)
        self._say(error.message)
        self.fields.url.setFocus()

    def _on_unexpected(self, _error: BaseException) -> None:
        self._set_busy(False)
        self._say("The counter was not connected: an unexpected error (see the log).")

    def _say(self, message: str) -> None:
        """A refusal can be two lines long: the dialog grows to show it whole."""
        self.error.setText(message)
        self.adjustSize()
