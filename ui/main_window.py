"""The one window: a stack of screens, the navigation bar, the status bar, the idle lock.

Built and shown before the counter's database is open (ui/app.py): the services (and so
SQLAlchemy) are imported where they are first called, not at the top of this module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Area
from app.domain.errors import UserFacingError
from app.domain.roles import PERMISSIONS
from app.domain.settings import Settings
from ui.context import ClientContext
from ui.errors import show_crash_dialog, show_refusal
from ui.nav_bar import NavBar
from ui.ops import ServiceOp, hub
from ui.recovery.entries import RecoveryEntry
from ui.recovery.menu import build_menu, recovery_entries
from ui.screen_wiring import Screens, wire_screens, wire_settings
from ui.screens.shift_guard import SHIFT_ROLES, ShiftGuard
from ui.screens.sign_in import SignInScreen
from ui.status_bar import StatusBarItems
from ui.widgets.edit_key import EditKeyToTables

if TYPE_CHECKING:
    from app.services.actors import Actor
    from app.services.payments_list import PaymentQuery
    from ui.screens.landing import LandingScreen
    from ui.screens.settings import SettingsScreen
    from ui.screens.sync import SyncScreen

IDLE_LOCK_MS = 5 * 60 * 1000
SYNC_STATUS_MS = 10_000


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
        terminal = f" — Terminal {context.terminal_code}" if context.terminal_code else ""
        self.setWindowTitle(f"Tilldesk{terminal}")  # the code is known once the counter is open
        self.context = context
        self.stack = QStackedWidget()
        self.stack.setObjectName("screens")
        self.screens: dict[str, QWidget] = {}  # by name, for the stack and the history
        self._signed_in: Screens | None = None  # the same screens by type, once built
        self._settings: SettingsScreen | None = None  # admins only: built when first opened
        self._sync: SyncScreen | None = None  # supervisors only: built when first opened
        self.history: list[QWidget] = []
        self.sign_in = SignInScreen(context)
        self.sign_in.signed_in.connect(self.on_sign_in_signed_in)
        self._add("sign_in", self.sign_in)
        self._build_nav()
        self._build_status_bar()
        self.shift_guard = ShiftGuard(self, lambda: self.context, self.status_shift)
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
        self._sync_timer = QTimer(self, interval=SYNC_STATUS_MS)  # the sync runs elsewhere
        self._sync_timer.timeout.connect(self.refresh_sync_status)
        self._sync_timer.start()
        # Bound methods, not lambdas: Qt drops them when this window is destroyed.
        hub.changed.connect(self.on_hub_changed)
        hub.unexpected_error.connect(self.on_hub_unexpected_error)
        hub.refused.connect(self.on_hub_refused)
        self._shortcuts()
        self.show_sign_in()

    # -- building -----------------------------------------------------------------------
    def _add(self, name: str, screen: QWidget) -> None:
        self.screens[name] = screen
        self.stack.addWidget(screen)

    def _build_nav(self) -> None:
        self.nav = bar = NavBar(self.context, self)
        # The window's names for its parts (screens and tests read them there).
        self.nav_dashboard, self.nav_record, self.nav_analytics = (
            bar.dashboard, bar.record, bar.analytics,
        )  # fmt: skip
        self.nav_approvals, self.nav_shift, self.nav_settings = (
            bar.approvals,
            bar.shift,
            bar.settings,
        )
        self.nav_recovery, self.nav_lock, self.nav_sign_out = bar.recovery, bar.lock, bar.sign_out
        self.finder, self.nav_user, self.brand = bar.finder, bar.user, bar.brand
        self.recovery_entries = recovery_entries()
        self.recovery_menu = build_menu(self, [], self.show_recovery_entry)

    def _build_status_bar(self) -> None:
        self.status_items = bar = StatusBarItems(self, lambda: self.context, self.show_sync)
        # The window's names for them (screens and tests read them there).
        self.status_terminal, self.status_user, self.status_shift = (
            bar.terminal,
            bar.user,
            bar.shift,
        )
        self.status_pending, self.status_printer, self.status_alert = (
            bar.pending, bar.printer, bar.alert,
        )  # fmt: skip
        self.status_recovery_alerts, self.status_sync = bar.recovery_alerts, bar.sync

    def _shortcuts(self) -> None:
        QShortcut(QKeySequence("F1"), self, activated=self.show_dashboard)
        QShortcut(QKeySequence("F2"), self, activated=self.show_record_payment)
        self._edit_key = EditKeyToTables(self).install()  # F2 in an editable table edits
        QShortcut(QKeySequence("F3"), self, activated=self.show_analytics)
        QShortcut(QKeySequence("F4"), self, activated=self.show_approvals)
        QShortcut(QKeySequence("F5"), self, activated=self.show_shift)
        QShortcut(QKeySequence("F6"), self, activated=self.show_settings)
        QShortcut(QKeySequence("F7"), self, activated=self.show_sync)
        QShortcut(QKeySequence("F8"), self, activated=self.show_recovery_menu)
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
        self.nav_user.setText(actor.full_name)  # the role is in the status bar and tooltip
        self.nav_user.setToolTip(f"{actor.full_name} ({actor.role.label})")
        self.nav_user.setAccessibleName(f"Signed in: {actor.full_name}, {actor.role.label}")
        self._ensure_screens()  # first: the bar shows with only this role's buttons in it
        self.nav.setVisible(True)
        self.finder.set_context(self.context)
        for screen in self.screens.values():
            if hasattr(screen, "set_context"):
                screen.set_context(self.context)
        self.idle.start()
        self._status_timer.start()
        self.refresh_status()
        self.show_dashboard()
        self.shift_guard.after_sign_in()

    def _ensure_screens(self) -> None:
        if self._signed_in is None:
            self._signed_in = wire_screens(self)
            self.landing.back_requested.connect(self.go_back)  # Escape after a drill-down
        supervisor = self.context.is_supervisor
        self.nav_analytics.setVisible(supervisor)
        self.nav_approvals.setVisible(supervisor)
        self.nav_shift.setVisible(self._may_work_shifts)
        self.nav_settings.setVisible(self._may_manage_settings)
        allowed = self._recovery_entries_allowed()
        self.recovery_menu = build_menu(self, allowed, self.show_recovery_entry)
        self.nav_recovery.setVisible(bool(allowed))
        self.nav.fit()

    @property
    def signed_in_screens(self) -> Screens:
        if self._signed_in is None:
            raise RuntimeError("The signed-in screens are built at the first sign-in.")
        return self._signed_in

    @property
    def landing(self) -> LandingScreen:
        return self.signed_in_screens.landing

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
        self.status_items.signed_out()
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
        if self.context.actor is not None:  # no shift open: say so, offer to open one first
            self.shift_guard.before_payment(lambda: self._record_payment(account_number))

    def _record_payment(self, account_number: str | None) -> None:
        if self._open("record_payment") is not None:
            self.signed_in_screens.record_payment.start(account_number or None)

    @property
    def _may_work_shifts(self) -> bool:
        return self.context.actor is not None and self.context.actor.role in SHIFT_ROLES

    def show_shift(self) -> None:
        if self._may_work_shifts and self._open("shift") is not None:
            self.signed_in_screens.shift.refresh()

    def show_receipt(self, receipt_number: str, *, remember: bool = True) -> None:
        if self._open("receipt", remember=remember) is not None:
            self.signed_in_screens.receipt.show_receipt(receipt_number)

    def show_payment(self, number: str) -> None:
        if self._open("payment_details") is not None:
            self.signed_in_screens.payment_details.show_payment(number)

    def show_analytics(self) -> None:
        if self.context.is_supervisor and self._open("dashboard") is not None:
            self.signed_in_screens.dashboard.refresh()

    def show_approvals(self) -> None:
        if self.context.is_supervisor and self._open("approvals") is not None:
            self.signed_in_screens.approvals.refresh()

    def _recovery_entries_allowed(self) -> list[RecoveryEntry]:
        actor = self.context.actor
        if actor is None:
            return []
        return [entry for entry in self.recovery_entries if actor.role in entry.roles]

    def show_recovery_menu(self) -> None:
        """F8: the Recovery menu under its button (keyboard: arrows and Enter)."""
        if not self.nav_recovery.isVisible() or self.recovery_menu.isEmpty():
            return
        self.recovery_menu.popup(
            self.nav_recovery.mapToGlobal(self.nav_recovery.rect().bottomLeft())
        )

    def show_recovery_entry(self, entry: RecoveryEntry) -> None:
        """Build the entry's screen the first time; refresh it (if it can) each time."""
        if entry not in self._recovery_entries_allowed():
            return
        if entry.name not in self.screens:
            built = entry.build(self.context)
            back = getattr(built, "back_requested", None)
            if back is not None:  # Esc on the entry's screen returns to where F8 was pressed
                back.connect(self.go_back)
            self.add_screen(entry.name, built)
        screen = self._open(entry.name)
        if screen is not None and hasattr(screen, "refresh"):
            screen.refresh()

    @property
    def _may_manage_settings(self) -> bool:
        actor = self.context.actor
        return actor is not None and actor.role in PERMISSIONS["manage_settings"]

    def show_settings(self) -> None:
        """Admins only: for anyone else F6 does nothing (and the services refuse anyway)."""
        if not self._may_manage_settings:
            return
        settings = self._settings or wire_settings(self)
        self._settings = settings
        if self._open("settings") is not None:
            settings.refresh()

    def attach_counter(self, context: ClientContext) -> None:
        """The counter, opened after the first frame (ui/app.py): the window was built and
        shown with the sign-in screen only; a sign-in submitted meanwhile goes on now."""
        self.context = replace(context, actor=self.context.actor)
        self.setWindowTitle(f"Tilldesk — Terminal {context.terminal_code}")
        self.status_terminal.setText(f"Terminal {context.terminal_code}")
        self.idle.setInterval(context.settings.idle_lock_minutes * 60_000)
        self.finder.set_context(self.context)
        self.sign_in.counter_ready(self.context)

    def apply_settings(self, settings: Settings) -> None:
        """Saved settings reach every screen, and the idle lock, without signing in again."""
        self.context = replace(self.context, settings=settings)
        self.idle.setInterval(settings.idle_lock_minutes * 60_000)
        self.finder.set_context(self.context)
        for screen in self.screens.values():
            if hasattr(screen, "set_context"):
                screen.set_context(self.context)

    def drill_down(self, query: PaymentQuery) -> None:
        """From a chart to the payments it stands for."""
        self._open("landing")
        self.landing.apply_query(query)

    # Dialogs and screens below are imported when first opened: not before the sign-in screen.
    def create_credit_note(self, receipt_number: str) -> None:
        from ui.dialogs.create_credit_note import CreateCreditNoteDialog

        dialog = CreateCreditNoteDialog(self.context, receipt_number, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def open_credit_note(self, number: str) -> None:
        from ui.dialogs.credit_note_details import CreditNoteDetailsDialog

        dialog = CreditNoteDetailsDialog(self.context, number, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.payment_opened.connect(self.show_payment)
        dialog.open()

    def run_print_queue(self) -> None:
        from ui.printing_port import printing

        counter = self.context.counter
        ServiceOp(self, lambda: printing().run_print_queue(counter), lane="print").success(
            lambda _run: self.refresh_status()
        ).failure(lambda error: self.status_printer.setText(str(error))).run()

    def on_hub_changed(self, areas: frozenset) -> None:
        if self.context.actor is not None:
            self.refresh_status()
            if Area.CREDIT_NOTES in areas:  # a note that became active may print by itself
                self.run_print_queue()

    def on_hub_unexpected_error(self, error: BaseException) -> None:
        show_crash_dialog(error, self)

    def on_hub_refused(self, error: UserFacingError) -> None:
        show_refusal(error, self)

    def focus_finder(self) -> None:
        if self.context.actor is not None:
            self.finder.setFocus()
            self.finder.selectAll()

    def show_consumer(self, account_number: str) -> None:
        if self._open("consumer_profile") is not None:
            self.signed_in_screens.consumer_profile.show_consumer(account_number)

    def show_sync(self) -> None:
        """Supervisors: parked and flagged records with their reasons, and Retry parked."""
        if not self.context.is_supervisor:
            return
        if self._sync is None:
            from ui.screens.sync import SyncScreen

            self._sync = SyncScreen(self.context)
            self._sync.back_requested.connect(self.go_back)
            self.add_screen("sync", self._sync)
        if self._open("sync") is not None:
            self._sync.set_context(self.context)
            self._sync.refresh()

    def refresh_sync_status(self) -> None:
        self.status_items.refresh_sync()

    def refresh_status(self) -> None:
        self.status_items.refresh()
        self.shift_guard.refresh()
