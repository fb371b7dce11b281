"""Resolve a server flag (e.g. a bill paid at two offline counters): how it was settled - a
credit note created first from the payment, a refund with its reference, or no action with a
reason. OK is enabled only once the chosen way has what it needs; the service checks the rest
(the credit note exists here and is for a flagged payment) and its refusal shows beside the
field it is about."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.domain.errors import UserFacingError
from app.domain.flag_resolutions import MAX_NOTE_LENGTH, Resolution, resolution_problem
from app.services.sync_flags import ResolvedFlag, resolve_flag
from app.services.sync_status import SyncIssue
from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.widgets.form_dialog import FormDialog
from ui.widgets.style import restyle, role_label

NOTE_CAPTION = {
    Resolution.CREDIT_NOTE: "&Note",
    Resolution.REFUND: "Refund &reference *",
    Resolution.NO_ACTION: "&Why no action *",
}
NOTE_PLACEHOLDER = {
    Resolution.CREDIT_NOTE: "Optional, kept in the audit trail",
    Resolution.REFUND: "e.g. the refund's transaction or cheque number",
    Resolution.NO_ACTION: "At least 10 characters, e.g. the customer keeps it as an advance",
}


class ResolveFlagDialog(FormDialog):
    resolved = Signal(object)  # ResolvedFlag

    def __init__(
        self, context: ClientContext, issue: SyncIssue, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            parent,
            name="resolveFlagDialog",
            title="Resolve flag",
            width=560,
            error_name="resolveFlagError",
        )
        self.setAccessibleName("Resolve flag")
        self._context = context
        self._issue = issue
        self._touched: set[str] = set()
        self._build()
        self.on_resolution_changed()

    def _build(self) -> None:
        self.heading.setObjectName("resolveFlagHeading")
        kind = self._issue.kind.replace("_", " ").capitalize()
        reference = f" · {self._issue.reference}" if self._issue.reference else ""
        self.add_line(role_label(f"{kind}{reference}", "strong", name="resolveFlagSubject"))
        reason = role_label(self._issue.reason, "muted", name="resolveFlagReason")
        reason.setWordWrap(True)
        self.add_line(reason)
        self.hint = hint = role_label(
            "For a credit note, create it first from the payment (Create Credit Note), "
            "then enter its number here.",
            "muted",
            name="resolveFlagHint",
        )
        hint.setWordWrap(True)
        self.add_below(hint)
        self.resolution = QComboBox()
        self.resolution.setObjectName("resolveFlagResolution")
        self.resolution.setAccessibleName("Resolution")
        for choice in Resolution:
            self.resolution.addItem(choice.value, choice)
        self.resolution.currentIndexChanged.connect(self.on_resolution_changed)
        self.number = QLineEdit()
        self.number.setObjectName("resolveFlagCreditNote")
        self.number.setAccessibleName("Credit note number")
        self.number.setPlaceholderText("e.g. CN-T01-000001")
        self.number.setMaxLength(48)
        self.number.textEdited.connect(lambda: self._edited("credit_note_number"))
        self.number_error = role_label("", "error", name="resolveFlagCreditNoteError")
        self.note = QLineEdit()
        self.note.setObjectName("resolveFlagNote")
        self.note.setAccessibleName("Note")
        self.note.setMaxLength(MAX_NOTE_LENGTH)
        self.note.textEdited.connect(lambda: self._edited("note"))
        self.note_error = role_label("", "error", name="resolveFlagNoteError")
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.add_field("Re&solution *", self.resolution)
        self.number_row = self._row(self.number, self.number_error)
        self.number_caption = self.add_field("&Credit note number *", self.number_row, self.number)
        self.note_caption = self.add_field(
            "&Note", self._row(self.note, self.note_error), self.note
        )
        self.name_ok("Resolve", "resolveFlagOk", "Resolve the flag")
        self.resolution.setFocus()

    @staticmethod
    def _row(field: QLineEdit, error: QLabel) -> QWidget:
        """The field with its message right under it (a refusal can be a sentence long)."""
        row = QWidget()
        stack = QVBoxLayout(row)
        stack.setContentsMargins(0, 0, 0, 0)
        stack.setSpacing(2)
        stack.addWidget(field)
        stack.addWidget(error)
        error.setWordWrap(True)
        return row

    # -- state --------------------------------------------------------------------------
    def chosen(self) -> Resolution:
        return Resolution(self.resolution.currentData())

    def on_resolution_changed(self) -> None:
        choice = self.chosen()
        credit = choice is Resolution.CREDIT_NOTE
        self.number_caption.setVisible(credit)
        self.number_row.setVisible(credit)
        self.hint.setVisible(credit)
        self.note_caption.setText(NOTE_CAPTION[choice])
        self.note.setPlaceholderText(NOTE_PLACEHOLDER[choice])
        self.note.setAccessibleName(NOTE_CAPTION[choice].replace("&", "").rstrip(" *"))
        self.error.setText("")
        self._validate()

    def _edited(self, field: str) -> None:
        self._touched.add(field)
        self.error.setText("")
        self._validate()

    def _validate(self) -> None:
        """OK only when valid; the message shows beside its field once the user typed there."""
        problem = resolution_problem(self.chosen(), self.note.text(), self.number.text())
        self.number_error.setText("")
        self.note_error.setText("")
        if problem is not None:
            field, message = problem
            label = self.number_error if field == "credit_note_number" else self.note_error
            touched = field in self._touched
            label.setText(message if touched else "Required")
            restyle(label, role="error" if touched else "muted")
        self.ok_button.setEnabled(problem is None)

    # -- resolving ----------------------------------------------------------------------
    def on_buttons_accepted(self) -> None:
        if not self.ok_button.isEnabled():
            return
        counter, username = self._context.counter, self._context.username
        key, choice = self._issue.key, self.chosen().value
        note, number = self.note.text(), self.number.text().strip() or None
        self.ok_button.setEnabled(False)
        self.error.setText("Saving…")
        ServiceOp(
            self,
            lambda: resolve_flag(counter.write(), username, key, choice, note, number),
        ).success(self._done).failure(self._refused).run()

    def _done(self, result: ResolvedFlag) -> None:
        self.error.setText("")
        self.resolved.emit(result)
        self.accept()

    def _refused(self, error: UserFacingError) -> None:
        """A missing credit note is said beside its field; anything else under the form."""
        self.ok_button.setEnabled(True)
        self.error.setText("")
        if self.chosen() is Resolution.CREDIT_NOTE and "credit note" in error.message.lower():
            self.number_error.setText(error.message)
            restyle(self.number_error, role="error")
            self.number.setFocus()
            self.number.selectAll()
        else:
            self.error.setText(error.message)
