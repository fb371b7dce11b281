"""The first-run wizard: an installed client with no counter yet asks for the terminal, the
place (currency, locale, time zone), the admin PIN and, optionally, the central server -
instead of failing. The rules live in app/services/first_run.py; this only collects and shows.
Finish sets the counter up (and registers it) on a worker, with the wizard showing progress."""

import time
import zoneinfo
from pathlib import Path

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.domain.errors import UserFacingError
from app.services.first_run import (
    COMMON_CURRENCIES,
    FirstRunAnswers,
    RegistrarFactory,
    ServerAnswers,
    check_answers,
    check_server_answers,
    set_up_counter,
    suggested_answers,
)
from app.services.setup import SetupResult
from ui.errors import show_crash_dialog
from ui.ops import ServiceOp, hub
from ui.widgets.server_fields import ServerFields
from ui.widgets.style import role_label

Button = QWizard.WizardButton
HELD_WHILE_BUSY = (Button.FinishButton, Button.BackButton, Button.CancelButton)
PAGE_FIELDS = {
    "counter": ("terminal_code", "terminal_name"),
    "place": ("currency", "locale", "timezone"),
    "admin": ("admin_pin", "admin_pin_again"),
    "server": ("url", "fingerprint", "admin_user"),
}


def system_zone() -> str | None:
    """This machine's IANA zone from /etc/localtime's link, when it has one."""
    try:
        target = Path("/etc/localtime").resolve()
    except OSError:
        return None
    parts = target.parts
    if "zoneinfo" in parts:
        return "/".join(parts[parts.index("zoneinfo") + 1 :])
    return time.tzname[0] if time.tzname[0] in zoneinfo.available_timezones() else None


class _Page(QWizardPage):
    """A titled form whose Next checks its own fields with the service's rules."""

    def __init__(self, wizard: "FirstRunWizard", key: str, title: str, text: str) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.key = key
        self.setTitle(title)
        self.setSubTitle(text)
        self.form = QFormLayout()
        self.error = role_label("", "error")
        self.error.setObjectName(f"firstRunError_{key}")
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def validatePage(self) -> bool:
        if self.key == "server":
            problems = check_server_answers(self.wizard_.server_answers())
        else:
            problems = check_answers(self.wizard_.answers())
        mine = [problems[f] for f in PAGE_FIELDS.get(self.key, ()) if f in problems]
        self.error.setText(mine[0] if mine else "")
        return not mine


class FirstRunWizard(QWizard):
    """`registrar`: what registers the new counter with a server (the composition root's);
    without one the wizard has no server page and says how to register later."""

    def __init__(
        self,
        db_path: Path,
        parent: QWidget | None = None,
        *,
        registrar: RegistrarFactory | None = None,
    ) -> None:
        super().__init__(parent)
        self.registrar = registrar
        self.setObjectName("firstRunWizard")
        self.setWindowTitle("Set up this Tilldesk counter")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setMinimumSize(560, 420)
        self.db_path = db_path
        self.created_terminal: str | None = None
        start = suggested_answers(QLocale.system().name(), system_zone())

        counter = _Page(
            self,
            "counter",
            "This counter",
            "Each counter has a short code that starts all its receipt numbers.",
        )
        self.code = QLineEdit(start.terminal_code)
        self.code.setObjectName("firstRunCode")
        self.code.setMaxLength(8)
        self.name = QLineEdit(start.terminal_name)
        self.name.setObjectName("firstRunName")
        counter.form.addRow("Terminal &code", self.code)
        counter.form.addRow("Counter &name", self.name)

        place = _Page(
            self,
            "place",
            "Money and time",
            "How amounts are shown and which clock business dates follow.",
        )
        self.currency = _editable_combo("firstRunCurrency", COMMON_CURRENCIES, start.currency)
        self.locale = _editable_combo(
            "firstRunLocale", ("en_US", "en_IN", "hi_IN", "en_AU", "en_GB", "es_MX"), start.locale
        )
        self.timezone = _editable_combo(
            "firstRunTimezone", sorted(zoneinfo.available_timezones()), start.timezone
        )
        place.form.addRow("C&urrency", self.currency)
        place.form.addRow("&Locale", self.locale)
        place.form.addRow("&Time zone", self.timezone)

        admin = _Page(
            self,
            "admin",
            "The administrator's PIN",
            "The built-in admin signs in with this PIN to add staff, printers and "
            "settings. Keep it safe: nobody can recover it.",
        )
        self.pin = _pin_edit("firstRunPin")
        self.pin_again = _pin_edit("firstRunPinAgain")
        admin.form.addRow("Admin &PIN", self.pin)
        admin.form.addRow("PIN &again", self.pin_again)

        pages = [counter, place, admin]
        if registrar is not None:
            pages.append(self._server_page())

        done = QWizardPage()
        done.setTitle("Ready")
        self.summary = QLabel("")
        self.summary.setObjectName("firstRunSummary")
        self.summary.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("firstRunProgress")
        self.progress.setRange(0, 0)  # busy: neither set-up nor registration can say how far
        self.progress.setAccessibleName("Setting up")
        self.progress.hide()
        self.status = QLabel("")
        self.status.setObjectName("firstRunStatus")
        self.status.setWordWrap(True)
        self.failure = role_label("", "error")
        self.failure.setObjectName("firstRunFailure")
        self.failure.setWordWrap(True)
        done_layout = QVBoxLayout(done)
        for widget in (self.summary, self.progress, self.status, self.failure):
            done_layout.addWidget(widget)
        done_layout.addStretch(1)
        for page in (*pages, done):
            self.addPage(page)
        self.currentIdChanged.connect(self._show_summary)
        self.busy = False

    def _server_page(self) -> "_Page":
        page = _Page(
            self,
            "server",
            "Central server (optional)",
            "To sync with a central server, give its address and a server admin's sign-in; "
            "the admin's password is used once and not kept. Leave the address empty to "
            "connect later (an admin: Sync screen, Connect to a server).",
        )
        # The same fields as the Sync screen's "Connect to a server" dialog.
        self.server_fields = fields = ServerFields(page.form, "firstRun")
        self.server_url, self.fingerprint = fields.url, fields.fingerprint
        self.admin_user, self.admin_password = fields.admin_user, fields.admin_password
        self.insecure_http = fields.insecure_http
        return page

    def answers(self) -> FirstRunAnswers:
        return FirstRunAnswers(
            terminal_code=self.code.text().strip().upper(),
            terminal_name=self.name.text(),
            currency=self.currency.currentText().strip().upper(),
            locale=self.locale.currentText().strip(),
            timezone=self.timezone.currentText().strip(),
            admin_pin=self.pin.text(),
            admin_pin_again=self.pin_again.text(),
        )

    def server_answers(self) -> ServerAnswers:
        if self.registrar is None:
            return ServerAnswers("")
        return self.server_fields.answers()

    def _show_summary(self, _page_id: int) -> None:
        a = self.answers()
        server = self.server_answers()
        if server.wanted:
            then = f" and registers it with {server.url} as terminal {a.terminal_code}."
        else:
            then = (
                ". To sync with a central server later: Connect to a server on the Sync screen "
                f"(F7), or tilldesk terminal register --server URL --code {a.terminal_code}."
            )
        self.summary.setText(
            f"Terminal {a.terminal_code} ({a.terminal_name.strip()}), amounts in {a.currency} "
            f"shown as {a.locale}, business dates in {a.timezone}.\n\nFinish creates the "
            f"counter at {self.db_path}{then}"
        )

    def accept(self) -> None:
        """Finish: the set-up (and registration) runs on a worker; the wizard stays up, busy,
        until it is done, and on a refusal shows why and lets the answers be corrected."""
        if self.busy:
            return
        answers, server = self.answers(), self.server_answers()
        register = None
        if server.wanted and self.registrar is not None:
            register = self.registrar(server, answers.terminal_code, self.db_path.parent)
        self._set_busy(
            f"Registering with {server.url}..." if server.wanted else "Setting up the counter..."
        )
        path = self.db_path  # the worker gets values, never the wizard itself
        ServiceOp(self, lambda: set_up_counter(path, answers, register)).success(
            self._on_set_up
        ).failure(self._on_refused).run()

    def reject(self) -> None:
        if not self.busy:  # half-way through a registration, Cancel and Esc wait for it
            super().reject()

    def _set_busy(self, status: str) -> None:
        self.busy = True
        self.failure.setText("")
        self.status.setText(status)
        self.progress.show()
        hub.unexpected_error.connect(self._on_unexpected)  # no main window yet to show it
        for button in HELD_WHILE_BUSY:
            self.button(button).setEnabled(False)

    def _set_idle(self) -> None:
        self.busy = False
        self.progress.hide()
        self.status.setText("")
        hub.unexpected_error.disconnect(self._on_unexpected)
        for button in HELD_WHILE_BUSY:
            self.button(button).setEnabled(True)

    def _on_set_up(self, result: SetupResult) -> None:
        self._set_idle()
        self.created_terminal = result.terminal_code
        super().accept()

    def _on_refused(self, error: UserFacingError) -> None:
        self._set_idle()
        self.failure.setText(error.message)

    def _on_unexpected(self, error: BaseException) -> None:
        self._set_idle()
        self.failure.setText("The counter was not set up: an unexpected error (see the log).")
        show_crash_dialog(error, self)


def _editable_combo(name: str, items: tuple[str, ...] | list[str], current: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setEditable(True)
    combo.addItems(list(items))
    combo.setCurrentText(current)
    return combo


def _pin_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(12)
    return edit
