"""The Recovery menu's entries of the analytics area: payment-method analytics and alerts."""

from PySide6.QtWidgets import QWidget

from ui.context import ClientContext
from ui.recovery.entries import MANAGERS, RECOVERY_ROLES, RecoveryEntry

ALERTS = "recovery_alerts"
METHOD_ANALYTICS = "recovery_method_analytics"
RECONCILIATION = "reconciliation"


# The screens are imported when first opened: pyqtgraph need not load for every sign-in.
def _alerts(context: ClientContext) -> QWidget:
    from ui.recovery.alerts_screen import AlertsScreen

    return AlertsScreen(context)


def _method_analytics(context: ClientContext) -> QWidget:
    from ui.recovery.method_analytics_screen import MethodAnalyticsScreen

    return MethodAnalyticsScreen(context)


def _reconciliation(context: ClientContext) -> QWidget:
    from ui.screens.reconciliation import ReconciliationScreen

    return ReconciliationScreen(context)


def entries() -> list[RecoveryEntry]:
    return [
        RecoveryEntry(METHOD_ANALYTICS, "Payment-method analytics", _method_analytics, MANAGERS),
        # Everyone in recovery may see what is wrong; only supervisors acknowledge.
        RecoveryEntry(ALERTS, "Alerts", _alerts, RECOVERY_ROLES),
        # The counter's bank reconciliation sits with the analytics a billing manager uses.
        RecoveryEntry(
            RECONCILIATION, "Bank reconciliation", _reconciliation, MANAGERS, "Ctrl+Shift+B"
        ),
    ]
