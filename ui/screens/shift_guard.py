"""The window's view of the drawer: the status-bar shift label, and the offer to open a shift
(after a cashier signs in, and before a payment when none is open)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.domain.roles import Role
from ui.context import ClientContext
from ui.ops import ReadOp

if TYPE_CHECKING:  # built with the window, before SQLAlchemy loads (ui/app.py)
    from app.services.shifts import ShiftView
    from ui.dialogs.shift_open import OpenShiftDialog

SHIFT_ROLES = frozenset({Role.CASHIER, Role.BILLING_MANAGER, Role.ADMIN})  # see the nav entry
NO_SHIFT_FOR_PAYMENT = "No shift is open on this terminal. Open a shift before recording payments."
NO_SHIFT_AFTER_SIGN_IN = "No shift is open on this terminal yet."


class ShiftGuard(QObject):
    def __init__(
        self, window: QWidget, context: Callable[[], ClientContext], label: QLabel
    ) -> None:
        super().__init__(window)
        self._window = window
        self._context = context
        self._label = label
        self.known = False  # nothing read yet: let the service decide
        self.shift: ShiftView | None = None
        self.dialog: OpenShiftDialog | None = None  # the last offer, for tests and screenshots

    def refresh(self, then: Callable[[ShiftView | None], None] | None = None) -> None:
        from app.services.shifts import current_shift

        op = ReadOp(self, self._context(), current_shift)

        def arrived(shift: ShiftView | None) -> None:
            self.show(shift)
            if then is not None:
                then(shift)

        op.success(arrived).run()

    def show(self, shift: ShiftView | None) -> None:
        self.known, self.shift = True, shift
        if shift is None:
            self._label.setText("Shift: not open")
        else:
            self._label.setText(f"Shift {shift.number} · {shift.cashier}")

    def after_sign_in(self) -> None:
        """A cashier starting work with no shift open is offered to open one straight away."""
        actor = self._context().actor
        if actor is None or actor.role is not Role.CASHIER:
            self.refresh()
            return
        self.refresh(lambda shift: shift is None and self.offer(NO_SHIFT_AFTER_SIGN_IN))

    def before_payment(self, proceed: Callable[[], None]) -> None:
        """Go on to the payment, or (no shift open) say so and offer to open one first."""
        if self.known and self.shift is None:
            self.offer(NO_SHIFT_FOR_PAYMENT, then=proceed)
        else:
            proceed()

    def offer(self, reason: str, then: Callable[[], None] | None = None) -> OpenShiftDialog:
        from ui.dialogs.shift_open import OpenShiftDialog

        dialog = OpenShiftDialog(self._context(), self._window, reason=reason)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.shift_opened.connect(self.show)
        if then is not None:
            dialog.shift_opened.connect(lambda _shift: then())
        dialog.open()
        self.dialog = dialog
        return dialog
