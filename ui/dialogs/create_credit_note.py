"""Create a credit note from a payment: amount, reason, remarks, live summary, then a toast."""

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import credit_notes as rules
from app.domain.errors import UserFacingError
from app.domain.money import decimal_text, parse_amount
from app.services.credit_notes import (
    CreditNoteDraft,
    IssuedCreditNote,
    create_credit_note,
    credit_note_draft,
)
from ui.context import ClientContext
from ui.ops import ReadOp, WriteOp
from ui.widgets.badge import badge
from ui.widgets.toast import show_toast

PAYMENT_FIELDS = (
    ("consumer", "Consumer name"),
    ("account", "Account number"),
    ("receipt", "Receipt number"),
    ("amount", "Payment amount"),
    ("date", "Payment date"),
    ("method", "Payment method"),
)


def _label(name: str, text: str = "", role: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    if role:
        label.setProperty("role", role)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _set_role(label: QLabel, role: str) -> None:
    label.setProperty("role", role)
    label.style().unpolish(label)
    label.style().polish(label)


class CreateCreditNoteDialog(QDialog):
    credit_note_created = Signal(object)  # IssuedCreditNote

    def __init__(
        self, context: ClientContext, receipt_number: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("createCreditNoteDialog")
        self.setWindowTitle(f"Create credit note — {receipt_number}")
        self.setAccessibleName("Create credit note")
        self.setMinimumWidth(600)
        self.setProperty("role", "sheet")
        self._context = context
        self._receipt = receipt_number
        self._draft: CreditNoteDraft | None = None
        self._busy = False
        self.toast = None
        self._build()
        self._load()

    # -- building -----------------------------------------------------------------------
    def _build(self) -> None:
        heading = _label("createCreditNoteHeading", "Create Credit Note", "heading")
        self.loading = _label("draftStatus", "Loading the payment…", "muted")
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(self.loading)
        self.blocks = (self._payment_block(), self._credit_block(), self._summary_block())
        for block in self.blocks:
            layout.addWidget(block)
        self.approval_note = _label("approvalNote", "", "notice")
        self.approval_note.setWordWrap(True)
        self.approval_note.hide()
        layout.addWidget(self.approval_note)
        self.form_error = _label("formError", "", "error")
        self.form_error.setWordWrap(True)
        layout.addWidget(self.form_error)
        layout.addLayout(self._buttons())
        self.setTabOrder(self.amount, self.reason)
        self.setTabOrder(self.reason, self.remarks)
        self.setTabOrder(self.remarks, self.create_button)
        self.setTabOrder(self.create_button, self.cancel_button)

    def _payment_block(self) -> QGroupBox:
        box = QGroupBox("Payment")
        box.setObjectName("paymentBlock")
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(24)
        self.payment: dict[str, QLabel] = {}
        for i, (key, caption) in enumerate(PAYMENT_FIELDS):
            title = _label(f"{key}Caption", caption, "muted")
            value = _label(f"payment_{key}", "—")
            value.setAccessibleName(caption)
            value.setStyleSheet("font-weight: 600;")
            grid.addWidget(title, (i // 3) * 2, i % 3)
            grid.addWidget(value, (i // 3) * 2 + 1, i % 3)
            self.payment[key] = value
        return box

    def _credit_block(self) -> QGroupBox:
        box = QGroupBox("Credit note")
        box.setObjectName("creditBlock")
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.number = _label("creditNoteNumber", "—")
        self.number.setAccessibleName("Credit note number")
        self.number.setStyleSheet("font-weight: 600;")
        self.number_hint = _label("numberHint", "assigned when created", "muted")
        number_row = QHBoxLayout()
        number_row.addWidget(self.number)
        number_row.addWidget(self.number_hint, 1)
        form.addRow("Credit note number", number_row)
        self.amount = QLineEdit()
        self.amount.setObjectName("creditAmount")
        self.amount.setAccessibleName("Credit amount")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.setMaximumWidth(160)
        self.amount.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"[0-9.,]{0,16}"), self.amount)
        )
        self.amount.textChanged.connect(self.on_amount_text_changed)
        self.amount_hint = _label("amountHint", "", "muted")
        self.amount_error = _label("amountError", "", "error")
        self.amount_error.hide()
        amount_row = QHBoxLayout()
        amount_row.addWidget(self.amount)
        amount_row.addWidget(self.amount_hint)
        amount_row.addStretch(1)
        form.addRow("Credit amount *", amount_row)
        form.addRow("", self.amount_error)
        self.reason = QComboBox()
        self.reason.setObjectName("creditReason")
        self.reason.setAccessibleName("Reason for credit note")
        self.reason.setPlaceholderText("Choose a reason…")
        self.reason.currentIndexChanged.connect(self.on_reason_current_index_changed)
        self.reason_error = _label("reasonError", "Required", "muted")
        reason_row = QHBoxLayout()
        reason_row.addWidget(self.reason, 1)
        reason_row.addWidget(self.reason_error)
        form.addRow("Reason *", reason_row)
        self.remarks = QPlainTextEdit()
        self.remarks.setObjectName("creditRemarks")
        self.remarks.setAccessibleName("Remarks")
        self.remarks.setPlaceholderText("Optional internal note, shown in the audit trail")
        self.remarks.setTabChangesFocus(True)  # Tab leaves the box: keyboard users move on
        self.remarks.setFixedHeight(70)
        self.remarks.textChanged.connect(self.on_remarks_text_changed)
        self.remarks_counter = _label("remarksCounter", f"0 / {rules.REMARKS_MAX}", "muted")
        self.remarks_counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Remarks", self.remarks)
        form.addRow("", self.remarks_counter)
        return box

    def _summary_block(self) -> QGroupBox:
        box = QGroupBox("Summary")
        box.setObjectName("summaryBlock")
        grid = QGridLayout(box)
        self.summary: dict[str, QLabel] = {}
        self._captions: dict[str, QLabel] = {}
        rows = (
            ("original", "Original payment amount"),
            ("credited", "Already credited"),
            ("credit", "Credit note amount"),
            ("remaining", "Remaining payment value"),
        )
        for i, (key, caption) in enumerate(rows):
            title = _label(f"summary_{key}Caption", caption)
            value = _label(f"summary_{key}", "—")
            value.setAccessibleName(caption)
            value.setAlignment(Qt.AlignmentFlag.AlignRight)
            grid.addWidget(title, i, 0)
            grid.addWidget(value, i, 1)
            self.summary[key] = value
            self._captions[key] = title
        self.summary["remaining"].setStyleSheet("font-weight: 700;")
        self.full_reversal = badge("Full reversal", "bad", "fullReversal")
        self.full_reversal.hide()
        grid.addWidget(self.full_reversal, len(rows), 1, Qt.AlignmentFlag.AlignRight)
        grid.setColumnStretch(0, 1)
        return box

    def _buttons(self) -> QHBoxLayout:
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.create_button = QPushButton("Create Credit Note")
        self.create_button.setObjectName("createCreditNoteButton")
        self.create_button.setAccessibleName("Create credit note")
        self.create_button.setProperty("role", "primary")
        self.create_button.setDefault(True)
        self.create_button.setEnabled(False)
        self.create_button.clicked.connect(self.on_create_button_clicked)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.create_button)
        return row

    # -- loading ------------------------------------------------------------------------
    def _load(self) -> None:
        receipt, user = self._receipt, self._context.username
        ReadOp(self, self._context, lambda uow: credit_note_draft(uow, receipt, user)).success(
            self._show_draft
        ).failure(self._draft_failed).run()

    def _show_draft(self, draft: CreditNoteDraft) -> None:
        self._draft = draft
        money, day = self._context.money, self._context.day
        values = {
            "consumer": draft.consumer_name,
            "account": draft.account_number,
            "receipt": draft.receipt_number,
            "amount": money(draft.payment_amount_minor),
            "date": day(draft.payment_date),
            "method": draft.method,
        }
        for key, text in values.items():
            self.payment[key].setText(text)
        self.number.setText(draft.next_number)
        self.amount_hint.setText(f"Maximum: {money(draft.maximum_minor)}")
        self.summary["original"].setText(money(draft.payment_amount_minor))
        self.summary["credited"].setText(money(draft.already_credited_minor))
        credited = draft.already_credited_minor > 0  # only worth a line when there is some
        self.summary["credited"].setVisible(credited)
        self._captions["credited"].setVisible(credited)
        self.reason.clear()
        self.reason.addItems(list(draft.reasons))
        self.reason.setCurrentIndex(-1)  # mandatory, and never chosen for the cashier
        self.loading.hide()
        self.amount.setText(decimal_text(draft.maximum_minor, draft.currency))
        self.amount.setFocus()
        self.amount.selectAll()
        self._validate()

    def _draft_failed(self, error: UserFacingError) -> None:
        self.loading.setText(f"No credit note can be made: {error.message}")
        self.loading.setWordWrap(True)
        _set_role(self.loading, "error")
        for block in self.blocks:
            block.hide()
        self.cancel_button.setText("Close")
        self.cancel_button.setFocus()
        self.adjustSize()

    # -- validating as typed ------------------------------------------------------------
    def on_amount_text_changed(self, _text: str) -> None:
        self._validate()

    def on_reason_current_index_changed(self, _index: int) -> None:
        self._validate()

    def on_remarks_text_changed(self) -> None:
        text = self.remarks.toPlainText()
        if len(text) > rules.REMARKS_MAX:  # enforce the limit as typed, like a maxLength
            cursor = self.remarks.textCursor()
            self.remarks.setPlainText(text[: rules.REMARKS_MAX])
            cursor.setPosition(rules.REMARKS_MAX)
            self.remarks.setTextCursor(cursor)
            return
        self.remarks_counter.setText(f"{len(text)} / {rules.REMARKS_MAX}")
        _set_role(self.remarks_counter, "error" if len(text) >= rules.REMARKS_MAX else "muted")

    def amount_minor(self) -> int | None:
        """The credit amount as typed, in minor units, or None while it breaks a rule."""
        return self._validate_amount()[0]

    def _validate_amount(self) -> tuple[int | None, str]:
        draft = self._draft
        if draft is None:
            return None, ""
        try:
            minor = parse_amount(self.amount.text(), draft.currency, field="Credit amount")
            rules.check_credit_amount(
                minor, draft.maximum_minor, self._context.money(draft.maximum_minor)
            )
        except UserFacingError as error:
            return None, error.message
        return minor, ""

    def _validate(self) -> bool:
        draft = self._draft
        if draft is None:
            return False
        minor, amount_message = self._validate_amount()
        self.amount_error.setText(amount_message)
        self.amount_error.setVisible(bool(amount_message))
        self.amount.setProperty("invalid", bool(amount_message))
        self.amount.style().unpolish(self.amount)
        self.amount.style().polish(self.amount)
        reason_ok = self.reason.currentIndex() >= 0
        self.reason_error.setText("" if reason_ok else "Required")
        self._show_summary(draft, minor)
        valid = minor is not None and reason_ok and not self._busy
        self.create_button.setEnabled(valid)
        return valid

    def _show_summary(self, draft: CreditNoteDraft, minor: int | None) -> None:
        money = self._context.money
        left = draft.payment_amount_minor - draft.already_credited_minor
        self.summary["credit"].setText("—" if minor is None else money(minor))
        self.summary["remaining"].setText("—" if minor is None else money(left - minor))
        self.full_reversal.setVisible(minor is not None and left - minor == 0)
        waits = (
            minor is not None
            and draft.approval_minor is not None
            and rules.needs_approval(minor, draft.approval_minor)
        )
        if waits and draft.approval_minor is not None:
            self.approval_note.setText(
                f"Above {money(draft.approval_minor)} a billing manager must approve this credit "
                "note before it can be used. It will be created as Pending Approval."
            )
        self.approval_note.setVisible(waits)

    # -- creating -----------------------------------------------------------------------
    def on_create_button_clicked(self) -> None:
        if self._busy or not self._validate():
            return
        user = self._context.username
        receipt, amount = self._receipt, self.amount.text()
        reason, remarks = self.reason.currentText(), self.remarks.toPlainText()
        self._set_busy(True)
        WriteOp(
            self,
            self._context,
            lambda uow: create_credit_note(
                uow,
                receipt=receipt,
                amount=amount,
                reason=reason,
                remarks=remarks,
                username=user,
            ),
        ).success(self._created).failure(self._create_failed).run()

    def _created(self, issued: IssuedCreditNote) -> None:
        self._set_busy(False)
        money = self._context.money(issued.amount_minor)
        message = f"Credit note {issued.number} for {money} created."
        if issued.status == rules.CreditNoteStatus.PENDING_APPROVAL.value:
            message = f"Credit note {issued.number} for {money} sent for approval."
        self.toast = show_toast(self.parentWidget(), message)
        self.credit_note_created.emit(issued)
        self.accept()

    def _create_failed(self, error: UserFacingError) -> None:
        self._set_busy(False)
        self.form_error.setText(error.message)
        self.toast = show_toast(self, f"Credit note not created: {error.message}", kind="error")
        self._validate()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.cancel_button.setEnabled(not busy)
        self.create_button.setText("Creating…" if busy else "Create Credit Note")
        self._validate()
