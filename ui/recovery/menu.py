"""The Recovery menu (F8): the recovery areas' screens, shown to the roles each one allows."""

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from ui.recovery import area_analytics, area_experiments, area_messaging, area_smart_collect
from ui.recovery.entries import RecoveryEntry
from ui.screens import plans_entries


def recovery_entries() -> list[RecoveryEntry]:
    found: list[RecoveryEntry] = []
    for area in (area_smart_collect, area_messaging, area_analytics, area_experiments,
                 plans_entries):  # fmt: skip
        found += area.entries()
    return found


def build_menu(parent: QWidget, entries: list[RecoveryEntry], open_entry) -> QMenu:  # noqa: ANN001
    """A menu with one action per entry; `open_entry(entry)` shows its screen."""
    menu = QMenu(parent)
    menu.setObjectName("recoveryMenu")
    for entry in entries:
        action = QAction(entry.text, menu)
        action.setObjectName(f"recovery_{entry.name}")
        if entry.shortcut:
            action.setShortcut(QKeySequence(entry.shortcut))
        action.triggered.connect(lambda _checked=False, e=entry: open_entry(e))
        action.setData(entry.name)
        menu.addAction(action)
    return menu
