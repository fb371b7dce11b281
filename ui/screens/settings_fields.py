"""Pieces every settings section is built from: a field with its message beside it, money
fields, one-per-line lists, and the section base class the settings screen talks to."""

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserFacingError
from app.domain.money import decimal_text, parse_amount
from app.domain.settings import Settings


def label(name: str, text: str = "", role: str | None = None) -> QLabel:
    widget = QLabel(text)
    widget.setObjectName(name)
    if role:
        widget.setProperty("role", role)
    return widget


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """The red border of the style sheet's [invalid="true"] rule."""
    widget.setProperty("invalid", "true" if invalid else "false")
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class FieldRow(QWidget):
    """An input, an optional note after it, and the message that says what is wrong with it."""

    def __init__(self, key: str, editor: QWidget, note: QWidget | None = None) -> None:
        super().__init__()
        self.key = key
        self.editor = editor
        self.error = label(f"{key}Error", "", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        limited = editor.maximumWidth() < 16_777_215  # QWIDGETSIZE_MAX: no limit set
        row.addWidget(editor, 0 if limited else 1)
        if note is not None:
            if isinstance(note, QLabel):
                note.setWordWrap(True)
            row.addWidget(note, 1 if limited else 0)
        elif limited:
            row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(row)
        column.addWidget(self.error)

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        mark_invalid(self.editor, bool(message))
        self.editor.setAccessibleDescription(message or "")


def line_edit(name: str, accessible: str, *, width: int | None = None) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    if width:
        edit.setFixedWidth(width)
    return edit


def money_edit(name: str, accessible: str) -> QLineEdit:
    edit = line_edit(name, accessible, width=180)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    return edit


def lines_edit(name: str, accessible: str, *, height: int = 120) -> QPlainTextEdit:
    """One entry per line: channels, reasons, the receipt header."""
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setTabChangesFocus(True)  # Tab leaves the box: keyboard users are not trapped
    edit.setFixedHeight(height)
    edit.setFixedWidth(480)  # about as wide as a receipt line reads
    return edit


def lines_of(edit: QPlainTextEdit) -> list[str]:
    return [line.strip() for line in edit.toPlainText().splitlines() if line.strip()]


class SettingsSection(QWidget):
    """One page of the settings screen.

    `load` fills the fields from saved settings; `changes` returns the settings that differ
    (raising nothing: a field that cannot be read reports itself through `field_errors`);
    `show_problems` puts each message beside its field.
    """

    title = ""
    name = "settingsSection"
    edited = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName(self.name)
        self.rows: dict[str, FieldRow] = {}
        self.field_errors: dict[str, str] = {}
        self.loaded: Settings | None = None
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setVerticalSpacing(10)
        heading = label(f"{self.name}Heading", self.title, "subheading")
        outer = QVBoxLayout(self)
        outer.addWidget(heading)
        outer.addLayout(self.form)
        outer.addStretch(1)

    def add_row(
        self, caption: str, key: str, editor: QWidget, note: QWidget | None = None
    ) -> FieldRow:
        row = FieldRow(key, editor, note)
        self.rows[key] = row
        self.form.addRow(caption, row)
        caption_label = self.form.labelForField(row)
        if isinstance(caption_label, QLabel):
            caption_label.setBuddy(editor)
        return row

    # -- what the screen calls -------------------------------------------------------------
    def load(self, settings: Settings) -> None:
        self.loaded = settings
        self.show_problems({})

    def values(self) -> dict[str, Any]:
        """Every setting this section edits, as typed (subclasses)."""
        return {}

    def changes(self) -> dict[str, Any]:
        self.field_errors = {}
        values = self.values()
        saved = self.loaded.to_mapping() if self.loaded else {}
        return {k: v for k, v in values.items() if saved.get(k) != v}

    def show_problems(self, problems: dict[str, str]) -> None:
        for key, row in self.rows.items():
            row.show_error(problems.get(key))

    # -- helpers for subclasses ------------------------------------------------------------
    def money_value(self, key: str, edit: QLineEdit, caption: str, currency: str) -> int | None:
        """Minor units, or None (and a message for the field) when it cannot be read."""
        try:
            return parse_amount(edit.text(), currency, field=caption)
        except UserFacingError as error:
            self.field_errors[key] = error.message
            return None

    def changed_signal(self, *signals: Any) -> None:
        for signal in signals:
            signal.connect(self.edited)


def money_text(minor: int, currency: str) -> str:
    return decimal_text(minor, currency)
