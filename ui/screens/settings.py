"""The admin's Settings screen: sections on the left, one page on the right.

The form sections (General, Payments, Numbering, Credit notes, Shifts) are saved together by
Save (Ctrl+S): the whole result is validated first, every problem is shown beside its field,
and nothing is written while any remains. Users and Printers save each action at once.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserFacingError
from app.domain.roles import PERMISSIONS
from app.domain.settings import Settings
from app.services.settings import (
    SettingsChanged,
    current_settings,
    settings_problems,
    update_settings,
)
from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.screens.settings_fields import SettingsSection, label
from ui.screens.settings_general import GeneralSection
from ui.screens.settings_messaging import MessagingSection
from ui.screens.settings_numbering import NumberingSection
from ui.screens.settings_payments import PaymentsSection
from ui.screens.settings_printers import PrintersSection
from ui.screens.settings_rules import CreditNotesSection, ShiftsSection
from ui.screens.settings_users import UsersSection
from ui.widgets.toast import show_toast


class SettingsScreen(QWidget):
    settings_saved = Signal(object)  # Settings, as saved

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsScreen")
        self._context = context
        self.loaded: Settings | None = None
        self._saving = False
        self.general = GeneralSection(context)
        self.payments = PaymentsSection()
        self.numbering = NumberingSection(context)
        self.credit_notes = CreditNotesSection()
        self.shifts = ShiftsSection()
        self.users = UsersSection(context)
        self.printers = PrintersSection(context)
        self.form_sections: tuple[SettingsSection, ...] = (
            self.general,
            self.payments,
            self.numbering,
            self.credit_notes,
            self.shifts,
        )
        self.messaging = MessagingSection(context)
        self.pages: tuple[QWidget, ...] = (
            *self.form_sections,
            self.users,
            self.printers,
            self.messaging,
        )
        self._build()
        for section in self.form_sections:
            section.edited.connect(self.on_section_edited)

    # -- building -----------------------------------------------------------------------
    def _build(self) -> None:
        heading = label("settingsHeading", "Settings", "heading")
        self.sections = QListWidget()
        self.sections.setObjectName("settingsSections")
        self.sections.setAccessibleName("Settings sections")
        self.sections.setFixedWidth(150)  # the widest page beside it still fits 1024 px
        self.sections.setStyleSheet("QListWidget#settingsSections::item { padding: 8px 10px; }")
        self.stack = QStackedWidget()
        self.stack.setObjectName("settingsPages")
        for page in self.pages:
            self.sections.addItem(page.title)  # type: ignore[attr-defined]
            self.stack.addWidget(page)
        self.sections.currentRowChanged.connect(self.on_sections_current_row_changed)
        body = QHBoxLayout()
        body.addWidget(self.sections)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(heading)
        layout.addLayout(body, 1)
        layout.addWidget(self._save_bar())
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        self.sections.setCurrentRow(0)

    def _save_bar(self) -> QWidget:
        self.save_bar = QWidget()
        self.save_bar.setObjectName("settingsSaveBar")
        self.state = label("settingsState", "", "muted")
        self.error = label("settingsError", "", "error")
        self.error.setWordWrap(True)
        self.discard_button = QPushButton("Discard changes")
        self.discard_button.setObjectName("settingsDiscardButton")
        self.discard_button.setAccessibleName("Discard changes")
        self.discard_button.setAutoDefault(False)
        self.discard_button.clicked.connect(self.on_discard_button_clicked)
        self.save_button = QPushButton("Save  (Ctrl+S)")
        self.save_button.setObjectName("settingsSaveButton")
        self.save_button.setAccessibleName("Save settings")
        self.save_button.setProperty("role", "primary")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        row = QHBoxLayout(self.save_bar)
        row.setContentsMargins(0, 6, 0, 0)
        row.addWidget(self.state)
        row.addWidget(self.error, 1)
        row.addWidget(self.discard_button)
        row.addWidget(self.save_button)
        return self.save_bar

    # -- context and loading -----------------------------------------------------------------
    def set_context(self, context: ClientContext) -> None:
        if context.actor != self._context.actor:
            self.loaded = None  # one admin's unsaved edits are never shown to the next user
        self._context = context
        for page in self.pages:
            if hasattr(page, "set_context"):
                page.set_context(context)

    @property
    def may_manage(self) -> bool:
        actor = self._context.actor
        return actor is not None and actor.role in PERMISSIONS["manage_settings"]

    def refresh(self) -> None:
        """Called when the screen is opened: saved values, unless edits are waiting."""
        if not self.may_manage:
            return
        self.users.refresh()
        self.printers.refresh()
        self.messaging.refresh()
        if self.loaded is not None and self.is_dirty:
            return
        counter = self._context.counter
        ServiceOp(self, lambda: current_settings(counter.read()), read=True).success(
            self.load
        ).run()

    def load(self, settings: Settings) -> None:
        self.loaded = settings
        for section in self.form_sections:
            section.load(settings)
        self.error.setText("")
        self._show_state()

    # -- navigation -------------------------------------------------------------------------
    def on_sections_current_row_changed(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        self.save_bar.setVisible(self.stack.currentWidget() in self.form_sections)

    def open_section(self, title: str) -> QWidget:
        index = next(i for i, p in enumerate(self.pages) if p.title == title)  # type: ignore[attr-defined]
        self.sections.setCurrentRow(index)
        return self.pages[index]

    # -- editing and saving ------------------------------------------------------------------
    def collect(self) -> tuple[dict, dict[str, str]]:
        """The changes of every form section, and the fields that could not be read."""
        changes: dict = {}
        unreadable: dict[str, str] = {}
        for section in self.form_sections:
            changes.update(section.changes())
            unreadable.update(section.field_errors)
        return changes, unreadable

    @property
    def is_dirty(self) -> bool:
        changes, unreadable = self.collect()
        return bool(changes or unreadable)

    def on_section_edited(self) -> None:
        self._show_state()

    def _show_state(self) -> None:
        dirty = self.loaded is not None and self.is_dirty
        self.state.setText("Unsaved changes" if dirty else "All changes saved")
        self.save_button.setEnabled(dirty and not self._saving)
        self.discard_button.setEnabled(dirty and not self._saving)

    def save(self) -> None:
        if self.loaded is None or self._saving or not self.may_manage:
            return
        changes, unreadable = self.collect()
        registered = self.numbering.registered
        problems = {**settings_problems(self.loaded, changes, registered=registered), **unreadable}
        if problems:
            self.show_problems(problems)
            return
        if not changes:
            return
        self._saving = True
        self._show_state()
        counter, username = self._context.counter, self._context.username
        ServiceOp(
            self, lambda: update_settings(counter.write(), changes, username=username)
        ).success(self._saved).failure(self._refused).run()

    def _saved(self, result: SettingsChanged) -> None:
        self._saving = False
        self.load(result.settings)
        count = len(result.changed_keys)
        show_toast(self, f"Settings saved ({count} change{'s' if count != 1 else ''}).")
        self.settings_saved.emit(result.settings)

    def _refused(self, error: UserFacingError) -> None:
        self._saving = False
        self._show_state()
        self.show_problems({"": error.message})

    def show_problems(self, problems: dict[str, str]) -> None:
        """Each message beside its field; the first section with one is opened."""
        placed: set[str] = set()
        first: QWidget | None = None
        for section in self.form_sections:
            mine = {k: v for k, v in problems.items() if _belongs(section, k)}
            section.show_problems(mine)
            placed |= set(mine)
            if mine and first is None:
                first = section
        rest = [m for k, m in problems.items() if k not in placed]
        self.error.setText(" ".join(rest))
        if first is not None:
            self.sections.setCurrentRow(self.pages.index(first))
            _focus_first_error(first)  # type: ignore[arg-type]

    def on_discard_button_clicked(self) -> None:
        if self.loaded is not None:
            self.load(self.loaded)


def _belongs(section: SettingsSection, key: str) -> bool:
    return key in section.rows or (key == "number_formats" and section.name == "settingsNumbering")


def _focus_first_error(section: SettingsSection) -> None:
    for row in section.rows.values():
        if row.error.text():
            row.editor.setFocus(Qt.FocusReason.OtherFocusReason)
            return
