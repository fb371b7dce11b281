"""The Recovery menu's entries of the messaging area."""

from PySide6.QtWidgets import QWidget

from ui.context import ClientContext
from ui.recovery.entries import RECOVERY_ROLES, RecoveryEntry


def _templates_screen(context: ClientContext) -> QWidget:
    # Imported when first opened: Jinja2 and the templates stay out of the client's start-up.
    from ui.recovery.templates_screen import TemplatesScreen

    return TemplatesScreen(context)


def entries() -> list[RecoveryEntry]:
    return [
        RecoveryEntry(
            name="recoveryTemplates",
            text="Reminder templates",
            build=_templates_screen,
            roles=RECOVERY_ROLES,
        )
    ]
