"""The close-shift count: notes and coins, a total per other method, expected against counted.

Blind by default (the blind_shift_close setting): what the system expects, and so the
difference, is shown only once the cashier finishes the count, which then stays as counted."""

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserFacingError
from app.domain.settings import METHOD_KINDS
from app.domain.shifts import MAX_COUNT, ApprovalReason, denominations, kind_label
from app.services.shift_close import (
    CloseFigures,
    close_figures,
    counted_totals,
    counter_registered,
)
from app.services.shifts import ShiftView
from ui.context import ClientContext
from ui.ops import ReadOp
from ui.screens.record_payment_widgets import repolish
from ui.widgets.style import stylesheet_colour

COLUMNS = ("Method", "Payments", "Expected", "Counted", "Difference")
HIDDEN = "—"  # an expected figure during a blind count
CLOSE_TEXT = "Close Shift  (Ctrl+Enter)"
FINISH_TEXT = "Finish Count  (Ctrl+Enter)"
RETURN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
# No arrow buttons (Up and Down still count): NoButtons hides the digits under the app style.
COUNT_STYLE = (
    "QSpinBox { padding: 5px 8px; } "
    "QSpinBox::up-button, QSpinBox::down-button { width: 0px; height: 0px; border: none; }"
)


class CloseShiftPanel(QWidget):
    close_requested = Signal(object, object)  # {face value minor: pieces}, {kind: amount text}
    back_requested = Signal()

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("closeShiftPanel")
        self._context = context
        self._shift: ShiftView | None = None
        self.figures: CloseFigures | None = None
        self.revealed = True  # whether expected figures show; False while a blind count runs
        # Until the counter says otherwise, unsent payments count (the safe assumption).
        self.registered = True
        self.heading = QLabel("Close shift")
        self.heading.setProperty("role", "heading")
        hint = QLabel(
            "Count the drawer note by note, then type each other method's total "
            "(card slips, cheques). Enter moves on; Ctrl+Enter finishes the count, then closes; "
            "Escape goes back."
        )
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        self.counts: dict[int, QSpinBox] = {}
        self.line_totals: dict[int, QLabel] = {}
        self.totals: dict[str, QLineEdit] = {}
        self.cash_group = QGroupBox("Cash count")
        self.cash_grid = QGridLayout(self.cash_group)
        self.cash_total = QLabel("")
        self.other_group = QGroupBox("Other methods")
        self.other_grid = QGridLayout(self.other_group)
        self.totals_error = QLabel("")
        self.totals_error.setObjectName("closeTotalsError")
        self.totals_error.setProperty("role", "error")
        self.totals_error.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("closeReconciliation")
        self.table.setAccessibleName("Expected against counted per method")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.difference = QLabel("")
        self.difference.setObjectName("closeDifference")
        self.difference.setStyleSheet("font-size: 18px; font-weight: 600;")
        self.difference.setWordWrap(True)  # a long difference must not widen the window
        self.approval = QLabel("")
        self.approval.setObjectName("closeApproval")
        self.approval.setWordWrap(True)
        # Room for two lines: a wrapped label beside a stretching table gets squeezed otherwise.
        self.approval.setMinimumHeight(2 * self.approval.fontMetrics().lineSpacing() + 4)
        self.message = QLabel("")
        self.message.setObjectName("closeMessage")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        self.back_button = QPushButton("Back  (Esc)")
        self.back_button.setObjectName("closeBackButton")
        self.back_button.setAccessibleName("Back")
        self.back_button.clicked.connect(self.back_requested)
        self.close_button = QPushButton(CLOSE_TEXT)
        self.close_button.setObjectName("closeShiftConfirm")
        self.close_button.setAccessibleName("Close shift")
        self.close_button.setProperty("role", "primary")
        self.close_button.clicked.connect(self.on_close_button_clicked)
        self._layout(hint)
        context_only = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, self.on_close_button_clicked, context=context_only)
        QShortcut(QKeySequence("Escape"), self, self.back_requested.emit, context=context_only)

    def _layout(self, hint: QLabel) -> None:
        right = QVBoxLayout()
        right.addWidget(self.other_group)
        right.addWidget(self.totals_error)
        right.addWidget(self.table, 1)
        right.addWidget(self.difference)
        right.addWidget(self.approval)
        right.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        right.addLayout(buttons)
        columns = QHBoxLayout()
        columns.addWidget(self.cash_group, 2)
        columns.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.addWidget(self.heading)
        layout.addWidget(hint)
        layout.addLayout(columns, 1)

    def set_context(self, context: ClientContext) -> None:
        self._context = context

    # -- building the grid for this shift's currency and methods ----------------------------
    def start(self, shift: ShiftView) -> None:
        """A fresh count: nothing is filled in from what the system expects, and in a blind
        count nothing expected is shown until the count is finished."""
        self._shift = shift
        self.revealed = not self._context.settings.blind_shift_close
        self.heading.setText(f"Close shift {shift.number}")
        self._build_cash(shift.currency)
        self._build_other()
        self.message.clear()
        self.close_button.setEnabled(True)
        self._show_stage()
        self.recalculate()
        ReadOp(self, self._context, counter_registered).success(self._registered_known).run()
        first = next(iter(self.counts.values()), None)
        if first is not None:
            first.setFocus()
            first.selectAll()

    def _build_cash(self, currency: str) -> None:
        _clear(self.cash_grid)
        self.counts.clear()
        self.line_totals.clear()
        for row, denomination in enumerate(denominations(currency)):
            spin = QSpinBox()
            spin.setRange(0, MAX_COUNT)
            spin.setObjectName(f"count_{denomination.value_minor}")
            spin.setAccessibleName(f"Number of {denomination.label}")
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            spin.setStyleSheet(COUNT_STYLE)
            spin.setMaximumWidth(110)
            spin.valueChanged.connect(self.recalculate)
            spin.installEventFilter(self)
            label = QLabel(denomination.label)
            label.setBuddy(spin)
            line = QLabel("")
            line.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.cash_grid.addWidget(label, row, 0)
            self.cash_grid.addWidget(spin, row, 1)
            self.cash_grid.addWidget(line, row, 2)
            self.counts[denomination.value_minor] = spin
            self.line_totals[denomination.value_minor] = line
        total_caption = QLabel("Counted cash")
        total_caption.setProperty("role", "subheading")
        self.cash_total = QLabel("")  # the grid owns its labels: made anew with the grid
        self.cash_total.setObjectName("closeCashTotal")
        self.cash_total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.cash_total.setProperty("role", "subheading")
        self.cash_grid.addWidget(total_caption, len(self.counts), 0, 1, 2)
        self.cash_grid.addWidget(self.cash_total, len(self.counts), 2)
        self.cash_grid.setRowStretch(len(self.counts) + 1, 1)  # spare height below, not between

    def _build_other(self) -> None:
        _clear(self.other_grid)
        self.totals.clear()
        configured = {m.kind for m in self._context.settings.methods}
        for row, kind in enumerate(k for k in METHOD_KINDS if k != "cash" and k in configured):
            edit = QLineEdit()
            edit.setObjectName(f"total_{kind}")
            edit.setAccessibleName(f"{kind_label(kind)} total")
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.setPlaceholderText("0.00")
            edit.setMaximumWidth(180)
            edit.textChanged.connect(self.recalculate)
            edit.installEventFilter(self)
            label = QLabel(f"{kind_label(kind)} total")
            label.setBuddy(edit)
            self.other_grid.addWidget(label, row, 0)
            self.other_grid.addWidget(edit, row, 1)
            self.totals[kind] = edit
        self.other_grid.setColumnStretch(2, 1)

    def _registered_known(self, registered: bool) -> None:
        self.registered = registered
        self.recalculate()

    def _show_stage(self) -> None:
        """The button finishes a blind count first, then closes; a finished count is kept."""
        blind = not self.revealed
        self.close_button.setText(FINISH_TEXT if blind else CLOSE_TEXT)
        self.close_button.setAccessibleName("Finish count" if blind else "Close shift")
        for spin in self.counts.values():
            spin.setReadOnly(self.revealed and self._context.settings.blind_shift_close)
        for edit in self.totals.values():
            edit.setReadOnly(self.revealed and self._context.settings.blind_shift_close)

    def finish_count(self) -> None:
        """Show what was expected and the difference; the count can no longer change."""
        self.revealed = True
        self._show_stage()
        self.recalculate()
        self.close_button.setFocus()

    # -- keyboard: Enter moves to the next field --------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in RETURN_KEYS
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            self.focusNextChild()
            return True
        return super().eventFilter(watched, event)

    # -- the figures, as typed ----------------------------------------------------------------
    def typed_counts(self) -> dict[int, int]:
        return {value: spin.value() for value, spin in self.counts.items() if spin.value()}

    def typed_totals(self) -> dict[str, str]:
        return {kind: edit.text() for kind, edit in self.totals.items() if edit.text().strip()}

    def recalculate(self) -> None:
        shift = self._shift
        if shift is None:
            return
        money = self._context.money
        for value, spin in self.counts.items():
            self.line_totals[value].setText(money(value * spin.value()))
        try:
            counted_totals(self._context.settings, shift.currency, self.typed_totals())
            self.figures = close_figures(
                self._context.settings,
                shift,
                self.typed_counts(),
                self.typed_totals(),
                registered=self.registered,
            )
        except UserFacingError as error:
            self.figures = None
            self.totals_error.setText(error.message)
            self.close_button.setEnabled(False)
            return
        self.totals_error.clear()
        self.close_button.setEnabled(True)
        self._show_figures(self.figures)

    def _show_figures(self, figures: CloseFigures) -> None:
        money = self._context.money
        self.cash_total.setText(money(figures.counted_cash_minor))
        self.table.setRowCount(len(figures.reconciliations))
        for row, r in enumerate(figures.reconciliations):
            values = (
                r.method,
                str(r.payments) if self.revealed else HIDDEN,
                money(r.expected_minor) if self.revealed else HIDDEN,
                money(r.counted_minor),
                _signed(money(r.difference_minor), r.difference_minor) if self.revealed else HIDDEN,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if column == 4 and self.revealed:
                    tone = "shiftBalanced" if r.difference_minor == 0 else "shiftShort"
                    item.setForeground(QBrush(stylesheet_colour(tone)))
                self.table.setItem(row, column, item)
        if not self.revealed:
            self._show_blind()
            return
        total = figures.difference_minor
        over = ApprovalReason.DIFFERENCE in figures.reasons  # the domain's rule, not a copy
        if figures.off_by_minor == 0:
            text = "Balanced: counted matches expected."
        else:
            allowed = money(figures.threshold_minor)
            within = "more than" if over else "within"
            text = (
                f"Difference {_signed(money(total), total)} "
                f"(off by {money(figures.off_by_minor)}, {within} the {allowed} allowed)"
            )
        self.difference.setText(text)
        self.difference.setAccessibleName(text)
        repolish(self.difference, role="error" if over else "ok")
        if figures.reasons:
            self.approval.setText(
                "A supervisor's PIN is needed to close: " + " ".join(figures.reason_texts)
            )
        else:
            self.approval.setText("No supervisor approval needed.")
        repolish(self.approval, role="error" if figures.reasons else "muted")

    def _show_blind(self) -> None:
        text = "Blind count: the expected amounts show when you finish counting."
        self.difference.setText(text)
        self.difference.setAccessibleName(text)
        repolish(self.difference, role="muted")
        self.approval.setText("Count every note, coin and slip, then press Finish Count.")
        repolish(self.approval, role="muted")

    def on_close_button_clicked(self) -> None:
        if self.figures is None or not self.close_button.isEnabled():
            return
        if not self.revealed:
            self.finish_count()
            return
        self.close_requested.emit(self.typed_counts(), self.typed_totals())

    def set_busy(self, busy: bool) -> None:
        self.close_button.setEnabled(not busy and self.figures is not None)
        self.back_button.setEnabled(not busy)

    def refuse(self, message: str) -> None:
        self.set_busy(False)
        self.message.setText(message)


def _signed(text: str, minor: int) -> str:
    return f"+{text}" if minor > 0 else text


def _clear(grid: QGridLayout) -> None:
    while grid.count():
        item = grid.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.setParent(None)
            widget.deleteLater()
