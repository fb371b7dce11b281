"""The crash dialog: an unexpected error is logged with its traceback and shown once."""

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from app.domain.errors import UserFacingError

log = logging.getLogger("tilldesk.ui")


def log_file() -> Path:
    from platformdirs import user_log_dir

    # Here, not at the top: app.services loads SQLAlchemy, which the first frame does not wait for.
    from app.services.private_files import private_dir, private_file

    path = Path(user_log_dir("tilldesk", appauthor=False)) / "client.log"
    private_dir(path.parent, tighten=True)  # the log names users and consumers: 0700/0600
    return private_file(path)


def setup_logging() -> None:
    handler = logging.FileHandler(log_file(), encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)


def show_crash_dialog(error: BaseException, parent: QWidget | None = None) -> None:
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    log.error("unexpected error:\n%s", details)
    box = QMessageBox(parent)
    box.setObjectName("crashDialog")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Something went wrong")
    box.setText(
        "Tilldesk hit an unexpected problem. Everything already recorded is safe.\n"
        "Please tell your supervisor; the details are in the log."
    )
    box.setInformativeText(f"{type(error).__name__}: {error}")
    box.setDetailedText(details)
    box.setAccessibleName("Unexpected error")
    box.open()


def show_refusal(error: UserFacingError, parent: QWidget | None = None) -> None:
    """A rule said no where the screen shows no place for it: the message, nothing else."""
    box = QMessageBox(parent)
    box.setObjectName("refusalDialog")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Not done")
    box.setText(error.message)
    box.setInformativeText("Nothing was changed.")
    box.setAccessibleName("Not done")
    box.open()


def install_excepthook(parent_getter: Callable[[], QWidget | None]) -> None:
    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        show_crash_dialog(error.with_traceback(tb), parent_getter())

    sys.excepthook = hook
