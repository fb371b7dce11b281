"""The status bar's count of open payment alerts, for supervisors; a click opens Alerts."""

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QPushButton

from ui.context import ClientContext
from ui.ops import ServiceOp

if TYPE_CHECKING:
    from app.services.recovery_alerts import AlertView

SQLITE = "sqlite:///"


def alerts_if_any(url: str) -> list["AlertView"]:
    """Open alerts; none (and no file created) when the recovery database does not exist yet."""
    # Imported here, on the worker thread: the alerts' services are not needed to show the
    # sign-in screen (a tenth of the client's start-up).
    from app.services.recovery_alerts import open_alerts
    from app.services.recovery_database import shared_recovery_database

    if url.startswith(SQLITE) and not Path(url.removeprefix(SQLITE)).exists():
        return []
    return open_alerts(shared_recovery_database(url))


class AlertsStatusButton(QPushButton):
    """'⚠ 2 payment alerts (1 critical)', hidden when there are none or for other roles."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__("", window)
        self.window_ = window
        self.setObjectName("statusRecoveryAlerts")
        self.setAccessibleName("Open payment alerts")
        self.setFlat(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setProperty("role", "error")
        self.clicked.connect(self.on_clicked)
        self.hide()
        window.statusBar().addPermanentWidget(self)

    def refresh(self, context: ClientContext) -> None:
        if not context.is_supervisor:
            self.hide()
            return
        url = context.counter.recovery_db_url()
        ServiceOp(self, lambda: alerts_if_any(url), read=True).success(self._show).run()

    def _show(self, alerts: list["AlertView"]) -> None:
        critical = sum(1 for a in alerts if a.level == "critical")
        text = f"⚠ {len(alerts)} payment alert{'s' if len(alerts) != 1 else ''}"
        self.setText(f"{text} ({critical} critical)" if critical else text)
        self.setToolTip("\n".join(a.text for a in alerts[:10]))
        self.setVisible(bool(alerts))

    def on_clicked(self) -> None:
        from ui.recovery.area_analytics import ALERTS  # the analytics screens' module

        window = self.window_
        for entry in getattr(window, "recovery_entries", []):
            if entry.name == ALERTS:
                window.show_recovery_entry(entry)  # type: ignore[attr-defined]
