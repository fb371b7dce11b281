"""The Recovery menu's entries of the experiments area."""

from PySide6.QtWidgets import QWidget

from ui.context import ClientContext
from ui.recovery.entries import MANAGERS, RecoveryEntry


def _experiments_screen(context: ClientContext) -> QWidget:
    # SciPy loads with the screen, when it is first opened, not with the main window.
    from ui.recovery.experiments_screen import ExperimentsScreen

    return ExperimentsScreen(context)


def entries() -> list[RecoveryEntry]:
    return [
        RecoveryEntry(
            name="experiments",
            text="Experiments",
            build=_experiments_screen,
            roles=MANAGERS,
        )
    ]
