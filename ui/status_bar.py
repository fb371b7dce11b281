"""The main window's status bar: terminal, who is signed in, the shift, the sync, the printer,
sign-in and payment alerts - each refreshed by a read in the background (ui.ops)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QPushButton

from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.recovery.alerts_status import AlertsStatusButton
from ui.sync_progress import loading_text, sync_load
from ui.widgets.elided_label import ElidedLabel

if TYPE_CHECKING:  # built with the window, before SQLAlchemy loads (ui/app.py)
    from app.services.print_queue import QueueStatus
    from app.services.sign_in_guard import SignInAlert
    from app.services.status import CounterStatus
    from app.services.sync_status import SyncStatus


class StatusBarItems(QObject):
    """The status bar's widgets, added to `window`'s status bar, and how they are refreshed."""

    def __init__(
        self,
        window: QMainWindow,
        context: Callable[[], ClientContext],
        on_sync_clicked: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._context = context
        code = context().terminal_code  # "" until the counter is open (attach_counter)
        self.terminal = QLabel(f"Terminal {code}" if code else "")
        # Long names and printer messages elide (full text in the tooltip): at 1024 px the
        # status bar must never force the window wider than the screen.
        self.user = ElidedLabel("Not signed in")
        self.shift = ElidedLabel("Shift: not open")
        self.pending = QLabel("")
        self.printer = ElidedLabel("")
        self.alert = QLabel("")  # supervisors: bursts of wrong PINs (sign_in_guard)
        self.alert.setProperty("role", "error")
        self.alert.hide()
        self.recovery_alerts = AlertsStatusButton(window)  # supervisors: payment alerts
        # Where sync stands; a supervisor clicks it (or presses F7) for the Sync screen.
        self.sync = QPushButton("")
        self.sync.setObjectName("statusSync")
        self.sync.setAccessibleName("Sync status")
        self.sync.setFlat(True)
        self.sync.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sync.setCursor(Qt.CursorShape.PointingHandCursor)
        self.sync.clicked.connect(on_sync_clicked)
        sync_load.progressed.connect(self.on_sync_load_progressed)
        bar = window.statusBar()
        bar.addPermanentWidget(self.sync)
        self.pending.hide()  # the sync entry says it, with the age and the last sync
        self.printer.setProperty("role", "error")
        for name, label in (
            ("statusTerminal", self.terminal),
            ("statusUser", self.user),
            ("statusShift", self.shift),
            ("statusPending", self.pending),
            ("statusPrinter", self.printer),
            ("statusAlert", self.alert),
        ):
            label.setObjectName(name)
            bar.addPermanentWidget(label)

    def signed_out(self) -> None:
        self.user.setText("Not signed in")
        self.alert.hide()  # a supervisor's alert is not for whoever stands here next
        self.recovery_alerts.hide()

    def refresh_sync(self) -> None:
        context = self._context()
        if context.actor is None:
            return
        from app.services.sync_status import sync_status

        counter = context.counter
        ServiceOp(self._window, lambda: sync_status(counter.read()), read=True).success(
            self._show_sync_status
        ).run()

    def refresh(self) -> None:
        """Everything but the shift (the window's shift guard keeps that line)."""
        from app.services.print_queue import queue_status
        from app.services.sign_in_guard import recent_alerts
        from app.services.status import counter_status

        self.refresh_sync()
        context = self._context()
        counter = context.counter
        window = self._window
        ServiceOp(window, lambda: counter_status(counter.read()), read=True).success(
            self._show_status
        ).run()
        ServiceOp(window, lambda: queue_status(counter.read()), read=True).success(
            self._show_printer
        ).run()
        if context.is_supervisor:
            ServiceOp(window, lambda: recent_alerts(counter.read()), read=True).success(
                self._show_alerts
            ).run()
        else:
            self.alert.hide()
        self.recovery_alerts.refresh(context)

    def on_sync_load_progressed(self, status: object) -> None:
        """The first load moved on (or ended: the usual sync line comes back)."""
        if status is not None:
            self.sync.setText(loading_text() or "")
        else:
            self.refresh_sync()

    def _show_sync_status(self, status: SyncStatus) -> None:
        from app.services.sync_status import status_line

        # While the first load runs, its progress says more than "Online · 0 pending".
        self.sync.setText(loading_text() or status_line(status, self._context().settings.zone))
        trouble = status.clock_blocked or (status.registered and not status.online)
        trouble = trouble or status.quarantined_count > 0
        self.sync.setProperty("trouble", trouble)
        self.sync.style().polish(self.sync)
        self.sync.setToolTip(status.last_error or "")

    def _show_alerts(self, alerts: list[SignInAlert]) -> None:
        if alerts:
            newest = alerts[0]
            at = newest.at.astimezone(self._context().settings.zone).strftime("%H:%M")
            more = f" (+{len(alerts) - 1} more today)" if len(alerts) > 1 else ""
            self.alert.setText(f"⚠ {newest.message} {at}{more}")
            self.alert.setToolTip("\n".join(a.message for a in alerts))
        self.alert.setVisible(bool(alerts))

    def _show_printer(self, status: QueueStatus) -> None:
        message = status.message
        self.printer.setText(message or "")
        self.printer.setVisible(bool(message))

    def _show_status(self, status: CounterStatus) -> None:
        text = f"{status.pending_count} waiting to send"
        if status.oldest_pending_at is not None:
            minutes = int((datetime.now(UTC) - status.oldest_pending_at).total_seconds() // 60)
            text += f" (oldest {minutes} min)"
        self.pending.setText(text)
