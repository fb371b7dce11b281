"""Record a consumer's dispute on a payment or a bill, and move one on (under review, an
owner, resolved or rejected with the resolution). Keyboard first: every field has a mnemonic,
Enter saves, Esc cancels; a refusal stays in the dialog beside its field."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QWidget

from app.domain.disputes import (
    CLOSED,
    MOVES,
    REASON_MAX,
    RESOLUTION_MAX,
    STATUS_WORDS,
    DisputeStatus,
)
from app.services.disputes import DisputeSubjects, DisputeView, open_dispute, update_dispute
from ui.context import ClientContext
from ui.dialogs.fields_dialog import FieldsDialog
from ui.screens.settings_fields import label, line_edit

SUBJECTS = (("bill", "Bill (invoice number)"), ("payment", "Payment (receipt number)"))


def local_day(context: ClientContext, moment: datetime) -> str:
    """The service center's day of a stored (UTC) moment: an evening dispute is not dated
    the next day."""
    return context.day(moment.astimezone(context.settings.zone).date())


def show_problems_in_view(dialog: FieldsDialog, problems: dict[str, str]) -> None:
    """Messages under their fields, the dialog grown so that none covers a field (wrapped
    notes make Qt size it too short), and the focus on the first field to put right."""
    FieldsDialog.show_problems(dialog, problems)
    layout = dialog.layout()
    if layout is not None:
        layout.activate()
    wanted = dialog.sizeHint().height()
    if wanted > dialog.height():
        dialog.resize(dialog.width(), wanted)
    first = next((row for key, row in dialog.rows.items() if key in problems), None)
    if first is not None:
        first.editor.setFocus()


def _text_box(name: str, accessible: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setObjectName(name)
    box.setAccessibleName(accessible)
    box.setTabChangesFocus(True)  # Tab leaves the box: keyboard users are not trapped
    box.setFixedHeight(80)
    return box


class _DisputeDialog(FieldsDialog):
    dispute_saved = Signal(object)  # DisputeView

    def __init__(self, context: ClientContext, title: str, parent: QWidget | None) -> None:
        super().__init__(
            parent,
            title=title,
            width=480,
            names=("disputeDialogHeading", "disputeFormError", "disputeSaveButton"),
        )
        self._context = context

    def saved(self, result: DisputeView) -> None:
        self.dispute_saved.emit(result)

    def show_problems(self, problems: dict[str, str]) -> None:
        show_problems_in_view(self, problems)

    def field_of(self, message: str) -> str:
        words = message.lower()
        for key in ("reason", "resolution", "owner"):
            if key in words:
                return key
        return "number" if ("bill" in words or "payment" in words) else ""


class OpenDisputeDialog(_DisputeDialog):
    """A new dispute on one of the consumer's bills or payments (offered newest first; another
    number may be typed)."""

    def __init__(
        self,
        context: ClientContext,
        account_number: str,
        subjects: DisputeSubjects,
        parent: QWidget | None = None,
        *,
        subject: str = "bill",
        number: str = "",
    ) -> None:
        super().__init__(context, f"New dispute for {account_number}", parent)
        self.setObjectName("openDisputeDialog")
        self._account, self._subjects = account_number, subjects
        self.subject = QComboBox()
        self.subject.setObjectName("disputeSubject")
        self.subject.setAccessibleName("Disputed record")
        for value, words in SUBJECTS:
            self.subject.addItem(words, value)
        self.add_row("&On", "subject", self.subject)
        self.number = QComboBox()
        self.number.setObjectName("disputeNumber")
        self.number.setAccessibleName("Invoice or receipt number")
        self.number.setEditable(True)
        self.add_row("&Number", "number", self.number)
        self.reason = _text_box("disputeReason", "Reason for the dispute")
        self.add_row("&Reason", "reason", self.reason, label("reasonRule", "required", "muted"))
        self.owner = line_edit("disputeOwner", "Owner who follows it up", width=220)
        self.add_row("O&wner", "owner", self.owner, label("ownerNote", "optional", "muted"))
        self.subject.currentIndexChanged.connect(self.on_subject_current_index_changed)
        self.subject.setCurrentIndex(max(self.subject.findData(subject), 0))
        self.on_subject_current_index_changed()
        if number:
            self.number.setCurrentText(number)
        self.name_ok("Open dispute", "openDisputeButton")
        (self.reason if number else self.subject).setFocus()

    def on_subject_current_index_changed(self, _index: int = 0) -> None:
        offered = self._subjects.bills if self.subject.currentData() == "bill" else None
        offered = offered if offered is not None else self._subjects.payments
        self.number.clear()
        self.number.addItems(list(offered))

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not self.number.currentText().strip():
            problems["number"] = "Enter the invoice or receipt number the consumer disputes."
        reason = self.reason.toPlainText().strip()
        if not reason:
            problems["reason"] = "Say what the consumer disputes."
        elif len(reason) > REASON_MAX:
            problems["reason"] = f"At most {REASON_MAX} characters ({len(reason)} given)."
        return problems

    def call(self) -> Callable[[], Any]:
        counter, who, account = self._context.counter, self._context.username, self._account
        subject, number = self.subject.currentData(), self.number.currentText()
        reason, owner = self.reason.toPlainText(), self.owner.text()
        return lambda: open_dispute(
            counter.write(), account_number=account, subject=subject, number=number,
            reason=reason, owner=owner, username=who,
        )  # fmt: skip


class UpdateDisputeDialog(_DisputeDialog):
    """Move a dispute on: its status (only the allowed next ones), owner and resolution."""

    def __init__(
        self, context: ClientContext, dispute: DisputeView, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, f"Dispute on {dispute.subject_number}", parent)
        self.setObjectName("updateDisputeDialog")
        self._dispute = dispute
        summary = QLabel(
            f"{dispute.reason}\nOpened {local_day(context, dispute.opened_at)} by "
            f"{dispute.opened_by}; now {dispute.status_words.lower()}."
        )
        summary.setObjectName("disputeSummary")
        summary.setWordWrap(True)
        self.add_line(summary)
        self.status = QComboBox()
        self.status.setObjectName("disputeStatus")
        self.status.setAccessibleName("Status")
        current = DisputeStatus(dispute.status)
        for status in (current, *sorted(MOVES[current], key=list(DisputeStatus).index)):
            self.status.addItem(STATUS_WORDS[status], status.value)
        self.add_row(
            "&Status", "status", self.status,
            label("statusNote", "Resolved: settled for the consumer, recovery stops. "
                  "Rejected: the charge stands, recovery goes on.", "muted"),
        )  # fmt: skip
        self.owner = line_edit("disputeOwner", "Owner who follows it up", width=220)
        self.owner.setText(dispute.owner)
        self.add_row("O&wner", "owner", self.owner)
        self.resolution = _text_box("disputeResolution", "Resolution")
        self.resolution.setPlainText(dispute.resolution)
        self.add_row(
            "&Resolution", "resolution", self.resolution,
            label("resolutionRule", "needed to resolve or reject", "muted"),
        )  # fmt: skip
        self.name_ok("Save", "saveDisputeButton")
        self.status.setFocus()

    def problems(self) -> dict[str, str]:
        status = DisputeStatus(self.status.currentData())
        resolution = self.resolution.toPlainText().strip()
        if status in CLOSED and not resolution:
            return {"resolution": "Say how the dispute was settled."}
        if len(resolution) > RESOLUTION_MAX:
            return {"resolution": f"At most {RESOLUTION_MAX} characters ({len(resolution)})."}
        return {}

    def call(self) -> Callable[[], Any]:
        counter, who, ref = self._context.counter, self._context.username, str(self._dispute.id)
        status, owner = self.status.currentData(), self.owner.text()
        resolution = self.resolution.toPlainText()
        return lambda: update_dispute(
            counter.write(), dispute_ref=ref, status=status, resolution=resolution,
            owner=owner, username=who,
        )  # fmt: skip
