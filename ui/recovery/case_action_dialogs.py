"""The case screen's Note... and Escalate... dialogs: what the person types, checked before OK."""

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


def _buttons(dialog: QDialog, prefix: str, does: str) -> QDialogButtonBox:
    """OK and Cancel; a screen reader hears what OK does (`does`), not just "OK"."""
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    ok.setObjectName(f"{prefix}Ok")
    ok.setAccessibleName(does)
    ok.setToolTip(does)
    cancel = box.button(QDialogButtonBox.StandardButton.Cancel)
    cancel.setObjectName(f"{prefix}Cancel")
    cancel.setAccessibleName("Cancel")
    box.rejected.connect(dialog.reject)
    return box


class NoteDialog(QDialog):
    """A free-text note on the case; OK stays off while the note is empty."""

    def __init__(self, case_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseNoteDialog")
        self.setWindowTitle(f"Note on case {case_id}")
        self.text = QPlainTextEdit()
        self.text.setObjectName("caseNoteText")
        self.text.setAccessibleName("Note")
        self.text.setTabChangesFocus(True)  # Tab reaches OK; a note needs no tab characters
        self.buttons = _buttons(self, "caseNote", "Add the note to the case")
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.text.textChanged.connect(self._check)
        layout = QVBoxLayout(self)
        label = QLabel("&Note")
        label.setBuddy(self.text)
        layout.addWidget(label)
        layout.addWidget(self.text)
        layout.addWidget(self.buttons)
        self._check()
        self.text.setFocus()

    def note(self) -> str:
        return self.text.toPlainText().strip()

    def _check(self) -> None:
        self.ok.setEnabled(bool(self.note()))


class EscalateDialog(QDialog):
    """Who the case goes to and why; OK stays off until both are given."""

    def __init__(self, case_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseEscalateDialog")
        self.setWindowTitle(f"Escalate case {case_id}")
        self.owner = QLineEdit()
        self.owner.setObjectName("caseEscalateOwner")
        self.owner.setAccessibleName("Escalate to")
        self.owner.setPlaceholderText("a named recovery executive or supervisor")
        self.reason = QLineEdit()
        self.reason.setObjectName("caseEscalateReason")
        self.reason.setAccessibleName("Reason")
        hint = QLabel("Due within 4 business hours of the consumer's region.")
        hint.setProperty("role", "muted")
        self.buttons = _buttons(self, "caseEscalate", "Escalate the case")
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        for field in (self.owner, self.reason):
            field.textChanged.connect(self._check)
        form = QFormLayout()
        form.addRow("Escalate &to", self.owner)
        form.addRow("&Reason", self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self._check()
        self.owner.setFocus()

    def values(self) -> tuple[str, str]:
        return self.owner.text().strip(), self.reason.text().strip()

    def _check(self) -> None:
        self.ok.setEnabled(all(self.values()))
