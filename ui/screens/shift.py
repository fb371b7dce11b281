"""The Shift screen (F5): the drawer's running totals, cash in and out, the count and close."""

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserFacingError
from app.domain.shifts import ApprovalRequired, MovementKind
from app.services.shift_close import ClosedShift, CloseRequest, close_shift
from app.services.shifts import ShiftView, current_shift
from ui.context import ClientContext
from ui.dialogs.shift_cash import CashMovementDialog
from ui.dialogs.shift_open import OpenShiftDialog
from ui.dialogs.shift_supervisor import SupervisorPinDialog
from ui.ops import ReadOp, WriteOp
from ui.screens.shift_close import CloseShiftPanel
from ui.screens.shift_report_view import ShiftReportPanel

DRAFT_PENDING = (
    "A payment is being recorded on the Record Payment screen: record or cancel it (F2) "
    "before closing the shift."
)
FACTS = (
    ("cashier", "Cashier"),
    ("opened", "Opened"),
    ("float", "Opening float"),
    ("cash_in", "Cash in"),
    ("cash_out", "Cash out"),
    ("payments", "Payments"),
    ("expected", "Expected cash in the drawer"),
    ("unsent", "Not sent to the central office yet"),
)


class ShiftScreen(QWidget):
    shift_changed = Signal(object)  # ShiftView | None: the status bar follows it
    shift_closed = Signal(object)  # ClosedShift: the window prints the queued Z report

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shiftScreen")
        self._context = context
        self.shift: ShiftView | None = None
        self.draft_pending: Callable[[], bool] = lambda: False  # set by the window's wiring
        self._approval: SupervisorPinDialog | None = None
        self.status_page = QWidget()
        self._build_status(self.status_page)
        self.close_panel = CloseShiftPanel(context)
        self.report_panel = ShiftReportPanel(context)
        self.pages = QStackedWidget()
        self.pages.setObjectName("shiftPages")
        for page in (self.status_page, self.close_panel, self.report_panel):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.close_panel.back_requested.connect(self.show_status)
        self.close_panel.close_requested.connect(self.on_close_panel_close_requested)
        self.report_panel.done.connect(self.show_status)

    def _build_status(self, page: QWidget) -> None:
        self.heading = QLabel("Shift")
        self.heading.setObjectName("shiftHeading")
        self.heading.setProperty("role", "heading")
        card = QFrame()
        card.setProperty("role", "card")
        grid = QGridLayout(card)
        grid.setContentsMargins(18, 14, 18, 14)
        self.facts: dict[str, QLabel] = {}
        self.fact_captions: dict[str, QLabel] = {}
        for row, (key, caption) in enumerate(FACTS):
            label = QLabel(caption)
            self.fact_captions[key] = label
            label.setProperty("role", "muted")
            value = QLabel("")
            value.setObjectName(f"shiftFact_{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight)
            grid.addWidget(label, row, 0)
            grid.addWidget(value, row, 1)
            self.facts[key] = value
        self.facts["expected"].setProperty("role", "subheading")
        self.message = QLabel("")
        self.message.setObjectName("shiftMessage")
        self.message.setWordWrap(True)
        self.open_button = self._button("shiftOpenButton", "&Open Shift…", self.open_shift)
        self.cash_in_button = self._button("shiftCashInButton", "Cash &In…", self.cash_in)
        self.cash_out_button = self._button("shiftCashOutButton", "Cash O&ut…", self.cash_out)
        self.close_button = self._button("shiftCloseButton", "&Close Shift…", self.start_close)
        for button in (self.open_button, self.close_button):
            button.setProperty("role", "primary")
        buttons = QHBoxLayout()
        for button in (self.open_button, self.cash_in_button, self.cash_out_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        column = QVBoxLayout()
        column.addWidget(self.heading)
        column.addWidget(card)
        column.addWidget(self.message)
        column.addLayout(buttons)
        column.addStretch(1)
        outer = QHBoxLayout(page)
        outer.setContentsMargins(20, 14, 20, 14)
        outer.addLayout(column, 3)
        outer.addSpacing(16)
        outer.addLayout(self._build_detail(), 2)

    def _build_detail(self) -> QVBoxLayout:
        """What the drawer's figures are made of: payments per method, cash in and out."""
        self.takings = QLabel("")
        self.takings.setObjectName("shiftTakings")
        self.movements = QLabel("")
        self.movements.setObjectName("shiftMovements")
        side = QVBoxLayout()
        for caption, label in (
            ("Payments by method", self.takings),
            ("Cash in and out", self.movements),
        ):
            heading = QLabel(caption)
            heading.setProperty("role", "subheading")
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            side.addWidget(heading)
            side.addWidget(label)
            side.addSpacing(10)
        side.addStretch(1)
        return side

    @staticmethod
    def _button(name: str, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.clicked.connect(slot)
        return button

    def set_context(self, context: ClientContext) -> None:
        self._context = context
        self.close_panel.set_context(context)
        self.report_panel.set_context(context)

    # -- the status page ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Back to the drawer's running totals, read fresh."""
        self.pages.setCurrentWidget(self.status_page)
        ReadOp(self, self._context, current_shift).success(self._show_shift).run()

    def show_status(self) -> None:
        self.refresh()

    def _show_shift(self, shift: ShiftView | None) -> None:
        self.shift = shift
        money = self._context.money
        is_open = shift is not None
        if shift is None:
            self.heading.setText("No shift is open on this terminal")
            for value in self.facts.values():
                value.setText("—")
            self.takings.setText("—")
            self.movements.setText("—")
        else:
            self.heading.setText(f"Shift {shift.number} is open")
            values = {
                "cashier": shift.cashier,
                "opened": self._context.moment(shift.opened_at),
                "float": money(shift.opening_float_minor),
                "cash_in": money(shift.cash_in_minor),
                "cash_out": money(shift.cash_out_minor),
                "payments": f"{shift.payments}  ({money(shift.taken_minor)})",
                "expected": money(shift.expected_cash_minor),
                "unsent": str(shift.unsent_payments),
            }
            for key, text in values.items():
                self.facts[key].setText(text)
            self._show_detail(shift)
        # Under a blind close the cashier who counts never sees what the drawer should hold:
        # not on this page, not after a cash movement. Supervisors still see it.
        shown = not self._blind
        self.facts["expected"].setVisible(shown)
        self.fact_captions["expected"].setVisible(shown)
        self.open_button.setVisible(not is_open)
        for button in (self.cash_in_button, self.cash_out_button, self.close_button):
            button.setVisible(is_open)
        (self.close_button if is_open else self.open_button).setFocus()
        self.shift_changed.emit(shift)

    def _show_detail(self, shift: ShiftView) -> None:
        money, context = self._context.money, self._context
        self.takings.setText(
            "\n".join(
                f"{t.method}: {money(t.amount_minor)} ({t.payments} "
                f"payment{'s' if t.payments != 1 else ''})"
                for t in shift.takings
            )
            or "No payments yet."
        )
        self.movements.setText(
            "\n".join(
                f"{context.moment(m.at)}  {'In' if m.amount_minor > 0 else 'Out'} "
                f"{money(abs(m.amount_minor))}: {m.reason} ({m.by})"
                for m in shift.movements
            )
            or "None."
        )

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("role", "error" if error else "ok")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    # -- dialogs --------------------------------------------------------------------------
    def open_shift(self) -> None:
        dialog = OpenShiftDialog(self._context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.shift_opened.connect(self._opened)
        dialog.open()

    def _opened(self, shift: ShiftView) -> None:
        self._say(
            f"Shift {shift.number} opened with {self._context.money(shift.opening_float_minor)}."
        )
        self._show_shift(shift)

    def cash_in(self) -> None:
        self._move(MovementKind.IN)

    def cash_out(self) -> None:
        self._move(MovementKind.OUT)

    def _move(self, kind: MovementKind) -> None:
        if self.shift is None:
            return
        dialog = CashMovementDialog(self._context, kind, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.moved.connect(lambda shift: self._moved(kind, shift))
        dialog.open()

    @property
    def _blind(self) -> bool:
        return self._context.settings.blind_shift_close and not self._context.is_supervisor

    def _moved(self, kind: MovementKind, shift: ShiftView) -> None:
        if self._blind:
            self._say(f"{kind.label} recorded.")
        else:
            self._say(
                f"{kind.label} recorded. The drawer should hold "
                f"{self._context.money(shift.expected_cash_minor)}."
            )
        self._show_shift(shift)

    # -- closing ----------------------------------------------------------------------------
    def start_close(self) -> None:
        if self.shift is None:
            return
        if self.draft_pending():
            self._say(DRAFT_PENDING, error=True)
            return
        self.message.clear()
        self.pages.setCurrentWidget(self.close_panel)
        self.close_panel.start(self.shift)

    def on_close_panel_close_requested(self, counts: dict, totals: dict) -> None:
        if self.draft_pending():
            self.close_panel.refuse(DRAFT_PENDING)
            return
        self._close(counts, totals, None, None)

    def _close(self, counts: dict, totals: dict, supervisor: str | None, pin: str | None) -> None:
        self.close_panel.set_busy(True)
        username = self._context.username
        request = CloseRequest(
            cash_counts=counts,
            totals=totals,
            username=username,
            supervisor=supervisor,
            supervisor_pin=pin,
        )
        WriteOp(self, self._context, lambda uow: close_shift(uow, request)).success(
            self._closed
        ).failure(lambda error: self._close_refused(error, counts, totals)).run()

    def _close_refused(self, error: UserFacingError, counts: dict, totals: dict) -> None:
        if self._approval is not None:
            self._approval.refuse(error.message)  # wrong PIN, not a supervisor: try again
            return
        if isinstance(error, ApprovalRequired):
            self.close_panel.set_busy(False)
            self._ask_supervisor(error.texts, counts, totals)
            return
        self.close_panel.refuse(error.message)

    def _ask_supervisor(self, reasons: tuple[str, ...], counts: dict, totals: dict) -> None:
        dialog = SupervisorPinDialog(reasons, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.approved.connect(lambda user, pin: self._close(counts, totals, user, pin))
        dialog.finished.connect(self._approval_finished)
        self._approval = dialog
        dialog.open()

    def _approval_finished(self, _result: int) -> None:
        self._approval = None
        self.close_panel.set_busy(False)

    def _closed(self, closed: ClosedShift) -> None:
        if self._approval is not None:
            self._approval.accept()
        self.shift = None
        self.shift_changed.emit(None)
        self.shift_closed.emit(closed)
        note = f"Shift {closed.number} closed."
        if closed.approved_by:
            note += f" Approved by {closed.approved_by}."
        if closed.print_job is not None:
            note += f" The Z report is queued on {closed.print_job.printer_name}."
        self.pages.setCurrentWidget(self.report_panel)
        self.report_panel.show_report(closed.number, note)
