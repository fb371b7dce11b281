"""The one window: a stack of screens, the navigation bar, the status bar, the idle lock."""

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.actors import Actor
from app.services.payments_list import PaymentQuery
from app.services.print_queue import QueueStatus, queue_status
from app.services.status import CounterStatus, counter_status
from ui.context import ClientContext
from ui.dialogs.create_credit_note import CreateCreditNoteDialog
from ui.dialogs.credit_note_details import CreditNoteDetailsDialog
from ui.errors import show_crash_dialog
from ui.ops import ServiceOp, hub
from ui.printing_runtime import run_print_queue
from ui.screen_wiring import wire_screens
from ui.screens.sign_in import SignInScreen
from ui.widgets.consumer_finder import ConsumerFinder

IDLE_LOCK_MS = 5 * 60 * 1000


class _ActivityWatcher(QObject):
    """Restarts the idle timer on every key press or mouse click anywhere in the app."""

    def __init__(self, on_activity: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)  # dies with the window, which removes the filter
        self._on_activity = on_activity

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress):
            self._on_activity()
        return False


class MainWindow(QMainWindow):
    def __init__(self, context: ClientContext, *, idle_lock_ms: int = IDLE_LOCK_MS) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"Tilldesk — Terminal {context.terminal_code}")
        self.context = context
        self.stack = QStackedWidget()
        self.stack.setObjectName("screens")
        self.screens: dict[str, QWidget] = {}
        self.history: list[QWidget] = []
        self.sign_in = SignInScreen(context)
        self.sign_in.signed_in.connect(self.on_sign_in_signed_in)
        self._add("sign_in", self.sign_in)
        self._build_nav()
        self._build_status_bar()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.idle = QTimer(self, singleShot=True, interval=idle_lock_ms)
        self.idle.timeout.connect(self.lock)
        self._watcher = _ActivityWatcher(self._on_activity, self)
        QApplication.instance().installEventFilter(self._watcher)  # type: ignore[union-attr]
        self._status_timer = QTimer(self, interval=30_000)
        self._status_timer.timeout.connect(self.refresh_status)
        self._status_timer.timeout.connect(self.run_print_queue)
        # Bound methods, not lambdas: Qt drops them when this window is destroyed.
        hub.changed.connect(self.on_hub_changed)
        hub.unexpected_error.connect(self.on_hub_unexpected_error)
        self._shortcuts()
        self.show_sign_in()

    # -- building -----------------------------------------------------------------------
    def _add(self, name: str, screen: QWidget) -> None:
        self.screens[name] = screen
        self.stack.addWidget(screen)

    def _button(self, name: str, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.split("  ")[0])
        button.setProperty("role", "nav")
        button.clicked.connect(slot)
        return button

    def _build_nav(self) -> None:
        self.nav = QWidget()
        self.nav.setObjectName("navBar")
        self.nav_dashboard = self._button("navDashboard", "Dashboard  (F1)", self.show_dashboard)
        self.nav_record = self._button(
            "navRecordPayment", "Record Payment  (F2)", self.show_record_payment
        )
        self.nav_lock = self._button("navLock", "Lock  (Ctrl+L)", self.lock)
        self.nav_sign_out = self._button("navSignOut", "Sign out", self.sign_out)
        self.finder = ConsumerFinder(self.context)
        self.finder.setMinimumWidth(320)
        self.finder.consumer_chosen.connect(self.show_consumer)
        self.nav_user = QLabel("")
        self.nav_user.setObjectName("navUser")
        row = QHBoxLayout(self.nav)
        row.setContentsMargins(12, 6, 12, 6)
        brand = QLabel("Tilldesk")
        brand.setProperty("role", "brand")
        row.addWidget(brand)
        row.addSpacing(16)
        self.nav_analytics = self._button("navAnalytics", "Analytics  (F3)", self.show_analytics)
        self.nav_approvals = self._button("navApprovals", "Approvals  (F4)", self.show_approvals)
        for button in (self.nav_dashboard, self.nav_record, self.nav_analytics, self.nav_approvals):
            row.addWidget(button)
        row.addSpacing(16)
        row.addWidget(self.finder)
        row.addStretch(1)
        row.addWidget(self.nav_user)
        row.addWidget(self.nav_lock)
        row.addWidget(self.nav_sign_out)

    def _build_status_bar(self) -> None:
        self.status_terminal = QLabel(f"Terminal {self.context.terminal_code}")
        self.status_user = QLabel("Not signed in")
        self.status_shift = QLabel("Shift: not open")
        self.status_pending = QLabel("")
        self.status_printer = QLabel("")
        self.status_printer.setProperty("role", "error")
        for name, label in (
            ("statusTerminal", self.status_terminal),
            ("statusUser", self.status_user),
            ("statusShift", self.status_shift),
            ("statusPending", self.status_pending),
            ("statusPrinter", self.status_printer),
        ):
            label.setObjectName(name)
            self.statusBar().addPermanentWidget(label)

    def _shortcuts(self) -> None:
        QShortcut(QKeySequence("F1"), self, activated=self.show_dashboard)
        QShortcut(QKeySequence("F2"), self, activated=self.show_record_payment)
        QShortcut(QKeySequence("F3"), self, activated=self.show_analytics)
        QShortcut(QKeySequence("F4"), self, activated=self.show_approvals)
        QShortcut(QKeySequence("Ctrl+L"), self, activated=self.lock)
        QShortcut(QKeySequence("Ctrl+K"), self, activated=self.focus_finder)

    # -- session --------------------------------------------------------------------------
    def show_sign_in(self, locked_user: str | None = None) -> None:
        self.nav.setVisible(False)
        self.stack.setCurrentWidget(self.sign_in)
        self.sign_in.prepare(locked_user=locked_user)

    def on_sign_in_signed_in(self, actor: Actor) -> None:
        self.context = self.context.signed_in(actor)
        self.status_user.setText(f"{actor.full_name} · {actor.role.label}")
        self.nav_user.setText(f"{actor.full_name} ({actor.role.label})")
        self.nav.setVisible(True)
        self._ensure_screens()
        self.finder.set_context(self.context)
        for screen in self.screens.values():
            if hasattr(screen, "set_context"):
                screen.set_context(self.context)
        self.idle.start()
        self._status_timer.start()
        self.refresh_status()
        self.show_dashboard()

    def _ensure_screens(self) -> None:
        if "landing" not in self.screens:
            wire_screens(self)
        supervisor = self.context.is_supervisor
        self.nav_analytics.setVisible(supervisor)
        self.nav_approvals.setVisible(supervisor)

    def add_screen(self, name: str, screen: QWidget) -> None:
        self._add(name, screen)

    def lock(self) -> None:
        if self.context.actor is None:
            return
        self.idle.stop()
        self.show_sign_in(locked_user=self.context.actor.username)

    def sign_out(self) -> None:
        self.context = self.context.signed_in(None)
        self.idle.stop()
        self._status_timer.stop()
        self.status_user.setText("Not signed in")
        self.show_sign_in()

    def _on_activity(self) -> None:
        if self.context.actor is not None and self.stack.currentWidget() is not self.sign_in:
            self.idle.start()

    # -- navigation -----------------------------------------------------------------------
    def _open(self, name: str, *, remember: bool = True) -> QWidget | None:
        """Show a screen; Back (Escape on that screen) returns to the one shown before."""
        screen = self.screens.get(name)
        if self.context.actor is None or screen is None:
            return None
        current = self.stack.currentWidget()
        if remember and current is not screen and current is not self.sign_in:
            self.history.append(current)
        self.stack.setCurrentWidget(screen)
        return screen

    def go_back(self) -> None:
        while self.history:
            screen = self.history.pop()
            if screen is not self.sign_in:
                self.stack.setCurrentWidget(screen)
                return
        self.show_dashboard()

    def show_dashboard(self) -> None:
        if self._open("landing", remember=False) is None:
            return
        self.history.clear()
        self.landing.refresh()
        self.landing.table.setFocus()

    def show_record_payment(self, account_number: str | None = None) -> None:
        screen = self._open("record_payment")
        if screen is not None:
            screen.start(account_number or None)  # type: ignore[attr-defined]

    def show_receipt(self, receipt_number: str, *, remember: bool = True) -> None:
        screen = self._open("receipt", remember=remember)
        if screen is not None:
            screen.show_receipt(receipt_number)  # type: ignore[attr-defined]

    def show_payment(self, number: str) -> None:
        screen = self._open("payment_details")
        if screen is not None:
            screen.show_payment(number)  # type: ignore[attr-defined]

    def show_analytics(self) -> None:
        if self.context.is_supervisor and (screen := self._open("dashboard")) is not None:
            screen.refresh()  # type: ignore[attr-defined]

    def show_approvals(self) -> None:
        if self.context.is_supervisor and (screen := self._open("approvals")) is not None:
            screen.refresh()  # type: ignore[attr-defined]

    def drill_down(self, query: PaymentQuery) -> None:
        """From a chart to the payments it stands for."""
        self._open("landing")
        self.landing.apply_query(query)

    def create_credit_note(self, receipt_number: str) -> None:
        dialog = CreateCreditNoteDialog(self.context, receipt_number, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def open_credit_note(self, number: str) -> None:
        dialog = CreditNoteDetailsDialog(self.context, number, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.payment_opened.connect(self.show_payment)
        dialog.open()

    def run_print_queue(self) -> None:
        counter = self.context.counter
        ServiceOp(self, lambda: run_print_queue(counter), lane="print").success(
            lambda _run: self.refresh_status()
        ).failure(lambda error: self.status_printer.setText(str(error))).run()

    def on_hub_changed(self, _areas: frozenset) -> None:
        if self.context.actor is not None:
            self.refresh_status()

    def on_hub_unexpected_error(self, error: BaseException) -> None:
        show_crash_dialog(error, self)

    def focus_finder(self) -> None:
        if self.context.actor is not None:
            self.finder.setFocus()
            self.finder.selectAll()

    def show_consumer(self, account_number: str) -> None:
        screen = self._open("consumer_profile")
        if screen is not None:
            screen.show_consumer(account_number)  # type: ignore[attr-defined]

    def refresh_status(self) -> None:
        counter = self.context.counter
        ServiceOp(self, lambda: counter_status(counter.read()), read=True).success(
            self._show_status
        ).run()
        ServiceOp(self, lambda: queue_status(counter.read()), read=True).success(
            self._show_printer
        ).run()

    def _show_printer(self, status: QueueStatus) -> None:
        message = status.message
        self.status_printer.setText(message or "")
        self.status_printer.setVisible(bool(message))

    def _show_status(self, status: CounterStatus) -> None:
        text = f"{status.pending_count} waiting to send"
        if status.oldest_pending_at is not None:
            minutes = int((datetime.now(UTC) - status.oldest_pending_at).total_seconds() // 60)
            text += f" (oldest {minutes} min)"
        self.status_pending.setText(text)
