"""A credit note's details: amounts, usage, history; Apply, Approve/Reject, Print, Download PDF."""

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.credit_notes import CreditNoteStatus
from app.domain.errors import UserFacingError
from app.domain.roles import PERMISSIONS
from app.services.consumers import UnpaidItem, consumer_account
from app.services.credit_note_approvals import (
    CreditNoteDecided,
    approve_credit_note,
    reject_credit_note,
)
from app.services.credit_notes import AppliedCredit
from app.services.credit_notes_list import CreditNoteDetails, credit_note_details
from app.services.runtime import Counter
from ui.context import ClientContext
from ui.dialogs.apply_credit import ApplyCreditBox
from ui.dialogs.credit_note_files import CreditNoteFiles, printable
from ui.models.credit_notes_model import badge_css
from ui.ops import ServiceOp, WriteOp
from ui.widgets.toast import show_toast

HISTORY = ("Applied on", "Applied to", "Amount", "Applied by")


@dataclass(frozen=True)
class LoadedCreditNote:
    details: CreditNoteDetails
    unpaid: tuple[UnpaidItem, ...]  # the consumer's bills and services the credit can settle


def load_credit_note(counter: Counter, number: str) -> LoadedCreditNote:
    details = credit_note_details(counter.read(), number)
    unpaid: tuple[UnpaidItem, ...] = ()
    if details.note.status == CreditNoteStatus.ACTIVE.value:
        unpaid = consumer_account(counter.read(), details.note.account_number).unpaid
    return LoadedCreditNote(details, unpaid)


def _value(name: str, caption: str) -> QLabel:
    label = QLabel("—")
    label.setObjectName(name)
    label.setAccessibleName(caption)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


def _button(name: str, text: str, role: str | None = None) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text)
    button.setAutoDefault(False)  # Enter belongs to the field being typed in
    if role:
        button.setProperty("role", role)
    return button


class CreditNoteDetailsDialog(QDialog):
    payment_opened = Signal(str)  # receipt number

    def __init__(self, context: ClientContext, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("creditNoteDetailsDialog")
        self.setWindowTitle(f"Credit note {number}")
        self.setAccessibleName("Credit note details")
        self.setMinimumWidth(720)
        self.setProperty("role", "sheet")
        self._context = context
        self._number = number
        self.loaded: LoadedCreditNote | None = None
        self.toast = None
        self.files = CreditNoteFiles(context, self)
        self.files.saved.connect(lambda p: self._say(f"Saved {p.name} to {p.parent}."))
        self.files.opened.connect(lambda p: self._say(f"Opened {p.name} for printing."))
        self.files.failed.connect(lambda m: self._say(m, error=True))
        self._build()
        self.reload()

    # -- building -----------------------------------------------------------------------
    def _build(self) -> None:
        self.heading = QLabel(f"Credit Note {self._number}")
        self.heading.setObjectName("creditNoteHeading")
        self.heading.setProperty("role", "heading")
        self.status_badge = QLabel("")
        self.status_badge.setObjectName("statusBadge")
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.status_badge)
        top.addStretch(1)
        self.consumer = _value("consumer", "Consumer")
        self.consumer.setProperty("role", "subheading")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.consumer)
        layout.addLayout(self._figures())
        layout.addWidget(self._information())
        layout.addWidget(self._approval_box())
        layout.addWidget(self._history_box(), 1)
        self.apply_box = ApplyCreditBox(context_getter=lambda: self._context, parent=self)
        self.apply_box.applied.connect(self._applied)
        self.apply_box.failed.connect(self._action_failed)
        layout.addWidget(self.apply_box)
        self.message = QLabel("")
        self.message.setObjectName("detailsMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addLayout(self._buttons())

    def _figures(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.figures: dict[str, QLabel] = {}
        for key, caption in (
            ("original", "Original amount"),
            ("applied", "Applied"),
            ("remaining", "Remaining"),
            ("usage", "Usage"),
        ):
            card = QFrame()
            card.setProperty("role", "card")
            inner = QVBoxLayout(card)
            title = QLabel(caption)
            title.setProperty("role", "muted")
            value = _value(f"figure_{key}", caption)
            value.setProperty("role", "figure")
            inner.addWidget(title)
            inner.addWidget(value)
            if key == "usage":
                self.usage_bar = QProgressBar()
                self.usage_bar.setObjectName("usageBar")
                self.usage_bar.setAccessibleName("Usage")
                self.usage_bar.setRange(0, 1000)
                self.usage_bar.setTextVisible(False)
                self.usage_bar.setFixedHeight(6)
                inner.addWidget(self.usage_bar)
            self.figures[key] = value
            row.addWidget(card, 1)
        return row

    def _information(self) -> QGroupBox:
        box = QGroupBox("Credit note information")
        grid = QGridLayout(box)
        self.info = {
            key: _value(f"info_{key}", caption)
            for key, caption in (
                ("created", "Created"),
                ("expires", "Expires"),
                ("created_by", "Created by"),
                ("remarks", "Remarks"),
                ("decision", "Decision"),
            )
        }
        self.reason_badge = QLabel("")
        self.reason_badge.setObjectName("reasonBadge")
        self.payment_link = _button("linkedPayment", "")
        self.payment_link.setProperty("role", "link")
        self.payment_link.setCursor(Qt.CursorShape.PointingHandCursor)
        self.payment_link.clicked.connect(self.on_payment_link_clicked)
        self.info_captions: dict[str, QLabel] = {}
        cells = (  # row, column, caption, widget; the decision gets a row of its own
            (0, 0, "Created", self.info["created"]),
            (0, 2, "Expires", self.info["expires"]),
            (1, 0, "Created by", self.info["created_by"]),
            (1, 2, "Reason", self.reason_badge),
            (2, 0, "Linked payment", self.payment_link),
            (2, 2, "Remarks", self.info["remarks"]),
            (3, 0, "Decision", self.info["decision"]),
        )
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        for row, column, caption, widget in cells:
            title = QLabel(caption)
            title.setProperty("role", "muted")
            self.info_captions[caption] = title
            grid.addWidget(title, row, column)
            span = 3 if caption == "Decision" else 1
            if isinstance(widget, QPushButton) or widget is self.reason_badge:
                grid.addWidget(widget, row, column + 1, 1, span, align)  # hug the text
            else:
                grid.addWidget(widget, row, column + 1, 1, span)  # wrap in the full width
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return box

    def _approval_box(self) -> QFrame:
        self.approval = QFrame()
        self.approval.setObjectName("approvalBox")
        self.approval.setProperty("role", "notice")
        self.approval_text = QLabel("")
        self.approval_text.setObjectName("approvalText")
        self.approval_text.setWordWrap(True)
        self.approve_button = _button("approveButton", "Approve", "primary")
        self.approve_button.clicked.connect(self.on_approve_button_clicked)
        self.reject_reason = QLineEdit()
        self.reject_reason.setObjectName("rejectReason")
        self.reject_reason.setAccessibleName("Reason for rejecting")
        self.reject_reason.setPlaceholderText("Reason for rejecting…")
        self.reject_reason.setMaxLength(500)
        self.reject_reason.textChanged.connect(self.on_reject_reason_text_changed)
        self.reject_reason.returnPressed.connect(self.on_reject_button_clicked)
        self.reject_button = _button("rejectButton", "Reject", "danger")
        self.reject_button.setEnabled(False)
        self.reject_button.clicked.connect(self.on_reject_button_clicked)
        layout = QVBoxLayout(self.approval)
        layout.addWidget(self.approval_text)
        self.decide_row = QWidget()
        row = QHBoxLayout(self.decide_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.approve_button)
        row.addSpacing(12)
        row.addWidget(self.reject_reason, 1)
        row.addWidget(self.reject_button)
        layout.addWidget(self.decide_row)
        self.approval.hide()
        return self.approval

    def _history_box(self) -> QGroupBox:
        box = QGroupBox("Application history")
        self.history = QTableWidget(0, len(HISTORY))
        self.history.setObjectName("applicationHistory")
        self.history.setAccessibleName("Application history")
        self.history.setHorizontalHeaderLabels(list(HISTORY))
        self.history.verticalHeader().setVisible(False)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.history.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.history.setMinimumHeight(110)
        self.no_history = QLabel("No credit has been applied from this note yet.")
        self.no_history.setObjectName("noHistory")
        self.no_history.setProperty("role", "muted")
        layout = QVBoxLayout(box)
        layout.addWidget(self.no_history)
        layout.addWidget(self.history)
        return box

    def _buttons(self) -> QHBoxLayout:
        self.print_button = _button("printButton", "Print")
        self.print_button.clicked.connect(self.on_print_button_clicked)
        self.pdf_button = _button("downloadPdfButton", "Download PDF")
        self.pdf_button.clicked.connect(self.on_pdf_button_clicked)
        self.close_button = _button("closeButton", "Close")
        self.close_button.clicked.connect(self.reject)  # Escape does the same
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addWidget(self.pdf_button)
        row.addStretch(1)
        row.addWidget(self.close_button)
        return row

    # -- loading ------------------------------------------------------------------------
    def set_context(self, context: ClientContext) -> None:
        self._context = context
        self.files.set_context(context)

    def reload(self) -> None:
        counter, number = self._context.counter, self._number
        ServiceOp(self, lambda: load_credit_note(counter, number), read=True).success(
            self._show
        ).failure(lambda e: self._say(e.message, error=True)).run()

    def _show(self, loaded: LoadedCreditNote) -> None:
        self.loaded = loaded
        note, ctx = loaded.details.note, self._context
        self.status_badge.setText(note.status)
        self.status_badge.setAccessibleName(f"Status {note.status}")
        self.status_badge.setStyleSheet(badge_css("status", note.status))
        self.consumer.setText(f"{note.consumer_name} · {note.account_number}")
        self.figures["original"].setText(ctx.money(note.amount_minor))
        self.figures["applied"].setText(ctx.money(note.applied_minor))
        self.figures["remaining"].setText(ctx.money(note.remaining_minor))
        self.figures["usage"].setText(f"{note.usage_percent}%")
        self.usage_bar.setValue(int(note.usage_percent * 10))
        self.info["created"].setText(ctx.moment(note.created_at))
        self.info["expires"].setText(ctx.day(note.expires_on))
        self.info["created_by"].setText(note.created_by)
        self.info["remarks"].setText(note.remarks or "—")
        self.info["decision"].setText(self._decision_text(loaded.details))
        decided = loaded.details.decision is not None
        self.info["decision"].setVisible(decided)
        self.info_captions["Decision"].setVisible(decided)
        self.reason_badge.setText(note.reason)
        self.reason_badge.setStyleSheet(badge_css("reason", note.reason))
        self.payment_link.setText(note.receipt_number)
        self.payment_link.setAccessibleName(f"Open payment {note.receipt_number}")
        self._show_history(loaded.details)
        self._show_approval(note.status)
        self.apply_box.show_for(loaded.details.note, loaded.unpaid)
        self.apply_box.setVisible(self.apply_box.usable and self._may("apply_credit_note"))
        for button in (self.print_button, self.pdf_button):
            button.setEnabled(printable(note.status))
            button.setToolTip(
                "" if printable(note.status) else f"A {note.status.lower()} note is not printed."
            )
        if self.close_button.isVisible():
            self.close_button.setFocus()

    def _decision_text(self, details: CreditNoteDetails) -> str:
        decision = details.decision
        if decision is None:
            return "—"
        when = self._context.moment(decision.decided_at)
        text = f"{decision.outcome} by {decision.decided_by}, {when}"
        return f"{text}: {decision.reason}" if decision.reason else text

    def _show_history(self, details: CreditNoteDetails) -> None:
        rows = details.applications
        self.history.setRowCount(len(rows))
        for r, a in enumerate(rows):
            cells = (
                self._context.moment(a.applied_at),
                a.applied_to,
                self._context.money(a.amount_minor),
                a.applied_by,
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.history.setItem(r, c, item)
        self.history.setVisible(bool(rows))
        self.no_history.setVisible(not rows)

    def _show_approval(self, status: str) -> None:
        pending = status == CreditNoteStatus.PENDING_APPROVAL.value
        may_decide = self._may("approve_credit_note")
        self.approval.setVisible(pending)
        self.decide_row.setVisible(pending and may_decide)
        limit = self._context.money(self._context.settings.credit_note_approval_minor)
        self.approval_text.setText(
            f"Waiting for a billing manager's approval (credit notes above {limit}). "
            + (
                "Approve it, or reject it with a reason."
                if may_decide
                else "It cannot be used yet."
            )
        )

    def _may(self, action: str) -> bool:
        actor = self._context.actor
        return actor is not None and actor.role in PERMISSIONS[action]

    def _say(self, message: str, *, error: bool = False) -> None:
        self.message.setText(message)
        self.message.setProperty("role", "error" if error else "ok")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    # -- approving --------------------------------------------------------------------------
    def on_reject_reason_text_changed(self, text: str) -> None:
        self.reject_button.setEnabled(bool(text.strip()))

    def on_approve_button_clicked(self) -> None:
        user, number = self._context.username, self._number
        WriteOp(self, self._context, lambda uow: approve_credit_note(uow, number, user)).success(
            self._decided
        ).failure(self._action_failed).run()

    def on_reject_button_clicked(self) -> None:
        reason = self.reject_reason.text()
        if not reason.strip():
            return
        user, number = self._context.username, self._number
        WriteOp(
            self, self._context, lambda uow: reject_credit_note(uow, number, reason, user)
        ).success(self._decided).failure(self._action_failed).run()

    def _decided(self, result: CreditNoteDecided) -> None:
        outcome = "approved" if result.status == CreditNoteStatus.ACTIVE.value else "rejected"
        self._toast(f"Credit note {result.number} {outcome}.")
        self.reload()

    def _applied(self, result: AppliedCredit) -> None:
        self._toast(f"Applied {self._context.money(result.amount_minor)} to {result.applied_to}.")
        self.reload()

    def _action_failed(self, error: UserFacingError) -> None:
        self._say(error.message, error=True)
        self._toast(error.message, kind="error")

    def _toast(self, message: str, kind: str = "ok") -> None:
        self.toast = show_toast(self, message, kind=kind)

    # -- links, printing, downloading --------------------------------------------------------
    def on_payment_link_clicked(self) -> None:
        """Open the original payment; the modal view steps aside so that screen can be used."""
        if self.loaded is not None:
            self.payment_opened.emit(self.loaded.details.note.receipt_number)
            self.accept()

    def on_print_button_clicked(self) -> None:
        self._say("Preparing the PDF for printing…")
        self.files.preview(self._number)

    def on_pdf_button_clicked(self) -> None:
        self.files.download(self._number)
