"""The Sync screen (supervisors): where sync stands, and the records a person must look at -
parked (the server refused them), flagged (the server holds other content under the same id),
quarantined (a change from the server this counter could not apply) and the server's flags
(e.g. a bill paid at two counters) - each with its reason. A supervisor resolves a server flag
here (Resolve…): the resolution goes to the server by the outbox. An admin on a counter that
runs on its own connects it to a server here (Connect to a server…)."""

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Area
from app.domain.roles import Role
from app.services.sync_flags import ResolvedFlag
from app.services.sync_retry import Retried, retry_parked, retry_quarantined
from app.services.sync_status import SyncIssue, SyncStatus, status_line, sync_issues, sync_status
from ui.context import ClientContext
from ui.dialogs.connect_server import Connected, ConnectServerDialog
from ui.dialogs.resolve_flag import ResolveFlagDialog
from ui.ops import ServiceOp, hub
from ui.server_link import server_link
from ui.sync_progress import loading_text, sync_load
from ui.widgets.toast import show_toast

HEADERS = ("Kind", "Record", "Reference", "Reason", "When", "Tries")
KIND_TEXT = {
    "parked": "Parked",
    "flagged": "Flagged",
    "quarantined": "Not applied",
    "overpayment": "Overpayment",
    "duplicate_different": "Sent twice, differs",
}


@dataclass(frozen=True)
class SyncView:
    status: SyncStatus
    issues: list[SyncIssue]


def load_sync_view(context: ClientContext) -> SyncView:
    counter = context.counter
    return SyncView(sync_status(counter.read()), sync_issues(counter.read()))


class SyncScreen(QWidget):
    back_requested = Signal()

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncScreen")
        self._context = context
        self._issues: list[SyncIssue] = []
        self._status: SyncStatus | None = None
        self._refresh_timer = QTimer(self, singleShot=True, interval=250)
        self._refresh_timer.timeout.connect(self.refresh)
        # Just connected: follow the first sync (it runs elsewhere) until it has run or failed.
        self._first_sync_timer = QTimer(self, interval=2000)
        self._first_sync_timer.timeout.connect(self.on_first_sync_timer_timeout)
        self._build()
        hub.changed.connect(self.on_hub_changed)
        sync_load.progressed.connect(self.on_sync_load_progressed)

    def _build(self) -> None:
        heading = QLabel("Sync with the central server")
        heading.setProperty("role", "heading")
        self.summary = QLabel("")
        self.summary.setObjectName("syncSummary")
        self.summary.setAccessibleName("Sync status")
        self.summary.setWordWrap(True)
        self.loading = QLabel(loading_text() or "")  # the first load, while it runs
        self.loading.setObjectName("syncLoading")
        self.loading.setAccessibleName("First load progress")
        self.loading.setProperty("role", "subheading")
        self.loading.setVisible(bool(self.loading.text()))
        self.detail = QLabel("")
        self.detail.setObjectName("syncDetail")
        self.detail.setProperty("role", "muted")
        self.detail.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("syncIssuesTable")
        self.table.setAccessibleName("Records to review")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(HEADERS.index("Reason"), QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self.on_table_selection_changed)
        self.empty = QLabel("")  # said by empty_text() once the status has loaded
        self.empty.setObjectName("syncEmpty")
        self.empty.setProperty("role", "subheading")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error = QLabel("")
        self.error.setObjectName("syncError")
        self.error.setProperty("role", "error")
        self.notice = QLabel("")
        self.notice.setObjectName("syncNotice")
        self.notice.setProperty("role", "muted")
        self.resolve_button = self._button("syncResolve", "Re&solve…")
        self.resolve_button.setAccessibleName("Resolve the selected flag")
        self.resolve_button.setEnabled(False)
        self.resolve_button.clicked.connect(self.on_resolve_button_clicked)
        self.retry_button = self._button("syncRetryParked", "Retry parked", "primary")
        self.retry_button.clicked.connect(self.on_retry_button_clicked)
        self.retry_quarantined_button = self._button("syncRetryQuarantined", "Retry quarantined")
        self.retry_quarantined_button.setToolTip(
            "Apply again, at the next sync, the server changes this counter could not apply"
        )
        self.retry_quarantined_button.clicked.connect(self.on_retry_quarantined_button_clicked)
        self.connect_button = self._button("syncConnect", "&Connect to a server…", "primary")
        self.connect_button.setToolTip("Register this counter with a central server and sync")
        self.connect_button.hide()  # admins, on a counter not registered (once loaded)
        self.connect_button.clicked.connect(self.on_connect_button_clicked)
        self.refresh_button = self._button("syncRefresh", "&Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.back_button = self._button("syncBack", "Back")
        self.back_button.clicked.connect(self.back_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.notice)
        buttons.addWidget(self.connect_button)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.resolve_button)
        buttons.addWidget(self.retry_quarantined_button)
        buttons.addWidget(self.retry_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.loading)
        layout.addWidget(self.detail)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("Escape"), self, activated=self.back_requested.emit)
        QShortcut(QKeySequence("Ctrl+R"), self, activated=self.on_retry_button_clicked)
        # Refresh is Alt+R (the button's mnemonic), not F5: that is the window's Shift key.

    @staticmethod
    def _button(name: str, text: str, role: str | None = None) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.setAutoDefault(False)
        if role:
            button.setProperty("role", role)
        return button

    def set_context(self, context: ClientContext) -> None:
        self._context = context

    def refresh(self) -> None:
        context = self._context
        ServiceOp(self, lambda: load_sync_view(context), read=True).success(self._show).failure(
            lambda e: self.error.setText(e.message)
        ).run()

    def _show(self, view: SyncView) -> None:
        self._status = status = view.status
        self.connect_button.setVisible(self.can_connect())
        if status.last_sync_at is not None or status.last_error is not None:
            self._first_sync_timer.stop()
        self.summary.setText(status_line(status, self._context.settings.zone))
        details = []
        if status.server_url:
            details.append(f"Server {status.server_url} as terminal {status.terminal_code}.")
        if status.last_error:
            when = (
                f" ({self._context.moment(status.last_error_at)})" if status.last_error_at else ""
            )
            details.append(f"Last error{when}: {status.last_error}")
        if status.clock_skew_seconds is not None:
            details.append(f"Clock: {status.clock_skew_seconds:+.0f} s from the server's.")
        self.detail.setText("  ".join(details))
        self._issues = list(view.issues)
        self.table.clearSelection()
        self.table.setRowCount(len(view.issues))
        for row, issue in enumerate(view.issues):
            cells = (
                KIND_TEXT.get(issue.kind, issue.kind.replace("_", " ").capitalize()),
                issue.entity.replace("_", " "),
                issue.reference,
                issue.reason,
                self._context.moment(issue.at),
                str(issue.attempts) if issue.attempts else "",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.setVisible(bool(view.issues))
        self.empty.setText(loading_text() or empty_text(status))  # not "nothing" mid-load
        self.empty.setVisible(not view.issues)
        self.retry_button.setEnabled(status.parked_count > 0)
        self.retry_quarantined_button.setEnabled(status.quarantined_count > 0)
        self.error.setText("")
        self.on_table_selection_changed()

    def selected_issue(self) -> SyncIssue | None:
        rows = self.table.selectionModel().selectedRows()
        if len(rows) != 1 or rows[0].row() >= len(self._issues):
            return None
        return self._issues[rows[0].row()]

    def can_connect(self) -> bool:
        """Admins only, and only while the counter is not registered with a server."""
        actor, status = self._context.actor, self._status
        return (
            actor is not None
            and actor.role == Role.ADMIN
            and status is not None
            and not status.registered
            and server_link() is not None
        )

    def on_connect_button_clicked(self) -> None:
        link, status = server_link(), self._status
        if not self.can_connect() or link is None or status is None:
            return
        dialog = ConnectServerDialog(self._context, link, status, self)
        dialog.connected.connect(self._connected)
        dialog.open()

    def _connected(self, result: Connected) -> None:
        self.connect_button.hide()
        self.notice.setText(f"Connected to {result.server_url} as terminal {result.terminal_code}.")
        show_toast(self, "Connected: the sync has started.")
        self._first_sync_timer.start()
        self.refresh()

    def on_first_sync_timer_timeout(self) -> None:
        if self.isVisible():
            self.refresh()

    def on_table_selection_changed(self) -> None:
        """Resolve is for the server's open flags; parked and flagged records are retried."""
        issue = self.selected_issue()
        self.resolve_button.setEnabled(issue is not None and issue.resolvable)

    def on_resolve_button_clicked(self) -> None:
        issue = self.selected_issue()
        if issue is None or not issue.resolvable:
            return
        dialog = ResolveFlagDialog(self._context, issue, self)
        dialog.resolved.connect(self._resolved)
        dialog.open()

    def _resolved(self, result: ResolvedFlag) -> None:
        text = f"Flag resolved ({result.resolution}); the server hears of it at the next sync."
        self.notice.setText(text)
        show_toast(self, f"Flag resolved ({result.resolution}).")
        self.refresh()

    def on_retry_button_clicked(self) -> None:
        if not self.retry_button.isEnabled():
            return
        counter, username = self._context.counter, self._context.username
        self.retry_button.setEnabled(False)
        ServiceOp(self, lambda: retry_parked(counter.write(), username=username)).success(
            self._retried
        ).failure(lambda e: self.error.setText(e.message)).run()

    def _retried(self, result: Retried) -> None:
        show_toast(self, f"{result.count} parked record(s) will be sent at the next sync.")
        self.refresh()

    def on_retry_quarantined_button_clicked(self) -> None:
        if not self.retry_quarantined_button.isEnabled():
            return
        counter, username = self._context.counter, self._context.username
        self.retry_quarantined_button.setEnabled(False)
        ServiceOp(self, lambda: retry_quarantined(counter.write(), username=username)).success(
            self._retried_quarantined
        ).failure(lambda e: self.error.setText(e.message)).run()

    def _retried_quarantined(self, result: Retried) -> None:
        show_toast(
            self, f"{result.count} quarantined change(s) will be applied again at the next sync."
        )
        self.refresh()

    def on_sync_load_progressed(self, status: object) -> None:
        """The first load moved on: say how far instead of showing an empty list; once it
        ended, the usual status comes back."""
        text = loading_text()
        self.loading.setText(text or "")
        self.loading.setVisible(text is not None)
        if text is not None and not self._issues:
            self.empty.setText(text)
        if status is None and self.isVisible():
            self.refresh()

    def on_hub_changed(self, areas: frozenset) -> None:
        if self.isVisible() and areas & {Area.SYNC, Area.PAYMENTS, Area.CREDIT_NOTES}:
            self._refresh_timer.start()


def empty_text(status: SyncStatus) -> str:
    """What an empty review list means: it must never claim records reached a server that this
    counter is not connected to, or that some are still on their way to."""
    waiting = status.pending_count
    records = f"{waiting} record{'' if waiting == 1 else 's'}"
    if not status.registered:
        if waiting:
            return (
                f"Nothing to review. This counter is not connected to a server: {records} "
                "will be sent once it is registered."
            )
        return "Nothing to review. This counter works on its own: it is not connected to a server."
    if waiting:
        return f"Nothing to review. {records} waiting to be sent to the server."
    return "Nothing to review: every record reached the server."
