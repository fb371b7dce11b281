"""The Recovery menu's entries of the smart_collect area: the queue (first), Smart Collect for
a consumer, and the recovery analytics for billing managers."""

from PySide6.QtWidgets import QWidget

from ui.context import ClientContext
from ui.recovery.entries import MANAGERS, RECOVERY_ROLES, RecoveryEntry
from ui.recovery.names import ANALYTICS, QUEUE, SMART_COLLECT

__all__ = ["ANALYTICS", "QUEUE", "SMART_COLLECT", "entries"]


# Imported when first opened: pyqtgraph and the engine need not load for every sign-in.
def _queue(context: ClientContext) -> QWidget:
    from ui.recovery.queue_screen import RecoveryQueueScreen

    return RecoveryQueueScreen(context)


def _smart_collect(context: ClientContext) -> QWidget:
    from ui.recovery.smart_collect_screen import SmartCollectScreen

    return SmartCollectScreen(context)


def _analytics(context: ClientContext) -> QWidget:
    from ui.recovery.recovery_analytics_screen import RecoveryAnalyticsScreen

    return RecoveryAnalyticsScreen(context)


def entries() -> list[RecoveryEntry]:
    return [
        RecoveryEntry(QUEUE, "Recovery queue", _queue, RECOVERY_ROLES),
        RecoveryEntry(SMART_COLLECT, "Smart Collect (consumer)", _smart_collect, RECOVERY_ROLES),
        RecoveryEntry(ANALYTICS, "Recovery analytics", _analytics, MANAGERS),
    ]
