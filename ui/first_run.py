"""The first-run wizard: an installed client with no counter yet asks for the terminal, the
place (currency, locale, time zone), the admin PIN and, optionally, the central server -
instead of failing. The rules live in app/services/first_run.py; this only collects and shows."""

import time
import zoneinfo
from pathlib import Path

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.domain.errors import UserFacingError
from app.services.first_run import (
    COMMON_CURRENCIES,
    FirstRunAnswers,
    check_answers,
    set_up_counter,
    suggested_answers,
)
from ui.widgets.style import role_label

PAGE_FIELDS = {
    "counter": ("terminal_code", "terminal_name"),
    "place": ("currency", "locale", "timezone"),
    "admin": ("admin_pin", "admin_pin_again"),
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
        problems = check_answers(self.wizard_.answers())
        mine = [problems[f] for f in PAGE_FIELDS.get(self.key, ()) if f in problems]
        self.error.setText(mine[0] if mine else "")
        return not mine


class FirstRunWizard(QWizard):
    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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

        done = QWizardPage()
        done.setTitle("Ready")
        self.summary = QLabel("")
        self.summary.setObjectName("firstRunSummary")
        self.summary.setWordWrap(True)
        QVBoxLayout(done).addWidget(self.summary)
        for page in (counter, place, admin, done):
            self.addPage(page)
        self.currentIdChanged.connect(self._show_summary)

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

    def _show_summary(self, _page_id: int) -> None:
        a = self.answers()
        self.summary.setText(
            f"Terminal {a.terminal_code} ({a.terminal_name.strip()}), amounts in {a.currency} "
            f"shown as {a.locale}, business dates in {a.timezone}.\n\nFinish creates the "
            f"counter at {self.db_path}. To sync with a central server later: "
            "tilldesk terminal register --server URL --code " + a.terminal_code + "."
        )

    def accept(self) -> None:
        try:
            result = set_up_counter(self.db_path, self.answers())
        except UserFacingError as error:
            self.summary.setText(error.message)
            return
        self.created_terminal = result.terminal_code
        super().accept()


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
