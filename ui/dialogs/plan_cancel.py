"""Confirm cancelling a payment plan: what it means (the unpaid installments are no longer due,
the consumer loses the plan's protection from disconnection) and why, which is required."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from app.domain.counter_plans import REASON_MAX
from app.domain.errors import UserFacingError
from app.services.counter_plans_cancel import PlanCancelled, cancel_plan
from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.widgets.form_dialog import FormDialog
from ui.widgets.style import role_label


class CancelPlanDialog(FormDialog):
    cancelled = Signal(object)  # PlanCancelled

    def __init__(
        self, context: ClientContext, plan_number: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            parent,
            name="cancelPlanDialog",
            title="Cancel plan",
            heading=f"Cancel plan {plan_number}?",
            width=480,
            error_name="cancelPlanError",
        )
        self.setAccessibleName("Cancel plan")
        self._context, self._plan_number = context, plan_number
        warning = role_label(
            "Its unpaid installments will no longer be due and the consumer is no longer "
            "protected from disconnection by it. Payments already made stay. This cannot be "
            "undone.",
            "muted",
            name="cancelPlanWarning",
        )
        warning.setWordWrap(True)
        self.add_line(warning)
        self.reason = QLineEdit()
        self.reason.setObjectName("cancelPlanReason")
        self.reason.setAccessibleName("Reason")
        self.reason.setMaxLength(REASON_MAX)
        self.reason.setPlaceholderText("Required, kept in the audit trail")
        self.reason.textChanged.connect(self.on_reason_text_changed)
        self.add_field("&Reason *", self.reason)
        self.name_ok("Cancel plan", "cancelPlanOk", "Cancel the plan")
        self.buttons.button(self.buttons.StandardButton.Cancel).setText("Keep plan")
        self.ok_button.setEnabled(False)
        self.reason.setFocus()

    def on_reason_text_changed(self, text: str) -> None:
        self.error.setText("")
        self.ok_button.setEnabled(bool(text.strip()))

    def on_buttons_accepted(self) -> None:
        if not self.ok_button.isEnabled():
            return
        counter, username = self._context.counter, self._context.username
        number, reason = self._plan_number, self.reason.text()
        self.ok_button.setEnabled(False)
        ServiceOp(
            self, lambda: cancel_plan(counter.write(), number, reason, username=username)
        ).success(self._done).failure(self._refused).run()

    def _done(self, result: PlanCancelled) -> None:
        self.cancelled.emit(result)
        self.accept()

    def _refused(self, error: UserFacingError) -> None:
        self.ok_button.setEnabled(True)
        self.error.setText(error.message)
