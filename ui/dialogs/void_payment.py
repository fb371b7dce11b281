"""Void a payment: why (required, at most 500 characters), then the void use case; a refusal
stays in the dialog."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from app.domain.errors import UserFacingError
from app.domain.payments import VOID_REASON_MAX, void_reason_problem
from app.services.payment_details import PaymentDetails
from app.services.void_payment import VoidedPayment, void_payment
from ui.context import ClientContext
from ui.ops import WriteOp
from ui.widgets.buttons import enable_danger, push_button


class VoidPaymentDialog(QDialog):
    """Asks why (required, at most 500 characters) and voids; refusals stay in the dialog."""

    voided = Signal(object)  # VoidedPayment

    def __init__(self, context: ClientContext, details: PaymentDetails, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("voidPaymentDialog")
        self.setWindowTitle(f"Void payment {details.receipt_number}")
        self.setMinimumWidth(460)
        self._context = context
        self._receipt = details.receipt_number
        self._touched = False
        intro = QLabel(
            f"Void receipt {details.receipt_number} for {context.money(details.amount_minor)} "
            f"paid by {details.consumer_name}? The amount goes back onto the account and any "
            "credit note from this payment is cancelled. This cannot be undone."
        )
        intro.setWordWrap(True)
        caption = QLabel("&Reason for voiding (required)")
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("voidReason")
        self.reason.setAccessibleName("Reason for voiding")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(90)
        caption.setBuddy(self.reason)
        self.count = QLabel(f"0 / {VOID_REASON_MAX}")
        self.count.setObjectName("voidReasonCount")
        self.count.setProperty("role", "muted")
        self.error = QLabel("")
        self.error.setObjectName("voidError")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.cancel = push_button("voidCancel", "Cancel", "Cancel")
        self.confirm = push_button("voidConfirm", "Void payment", "Void payment")
        enable_danger(self.confirm, False)
        self.reason.textChanged.connect(self.on_reason_text_changed)
        self.cancel.clicked.connect(self.reject)
        self.confirm.clicked.connect(self.on_confirm_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.confirm)
        layout = QVBoxLayout(self)
        for widget in (intro, caption, self.reason, self.error):
            layout.addWidget(widget)
        layout.addLayout(buttons)

    def problem(self) -> str | None:
        """The void rule's own words (app.domain.payments), so the dialog and the use case
        never disagree."""
        return void_reason_problem(self.reason.toPlainText())

    def on_reason_text_changed(self) -> None:
        self._touched = True
        self.count.setText(f"{len(self.reason.toPlainText().strip())} / {VOID_REASON_MAX}")
        problem = self.problem()
        self._show_error(problem if self._touched else None)
        enable_danger(self.confirm, problem is None)

    def _show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setAccessibleName(message or "")
        self.error.setVisible(bool(message))

    def on_confirm_clicked(self) -> None:
        if self.problem() is not None:
            return
        enable_danger(self.confirm, False)
        receipt = self._receipt
        reason, username = self.reason.toPlainText(), self._context.username
        WriteOp(
            self,
            self._context,
            lambda uow: void_payment(uow, receipt=receipt, reason=reason, username=username),
        ).success(self._done).failure(self._refused).run()

    def _done(self, result: VoidedPayment) -> None:
        self.voided.emit(result)
        self.accept()

    def _refused(self, error: UserFacingError) -> None:
        self._show_error(error.message)
        enable_danger(self.confirm, True)
