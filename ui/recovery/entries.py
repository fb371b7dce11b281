"""One entry of the Recovery menu: a screen, who may open it, and its shortcut."""

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from app.domain.roles import Role
from ui.context import ClientContext

RECOVERY_ROLES = frozenset({Role.RECOVERY_EXECUTIVE, Role.BILLING_MANAGER, Role.ADMIN})
MANAGERS = frozenset({Role.BILLING_MANAGER, Role.ADMIN})


@dataclass(frozen=True)
class RecoveryEntry:
    name: str  # the screen's name in the window's stack
    text: str  # the menu item, e.g. "Alerts"
    build: Callable[[ClientContext], QWidget]  # built the first time it is opened
    roles: frozenset[Role] = RECOVERY_ROLES
    shortcut: str = ""  # e.g. "Ctrl+Shift+A"; F8 opens the menu itself
