"""Start the desktop client: open (and migrate) the counter's database, show the window."""

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from app.services.first_run import RegistrarFactory, needs_first_run
from app.services.runtime import open_counter
from app.services.settings import current_settings
from app.services.status import counter_status
from ui.context import ClientContext
from ui.errors import install_excepthook, setup_logging
from ui.main_window import MainWindow
from ui.ops import wait_for_all
from ui.process_age import process_age_ms
from ui.warm_up import LIBRARIES, QT_MODULES, WarmUp, import_steps

STYLE = Path(__file__).resolve().parents[1] / "resources" / "styles" / "tilldesk.qss"


def build_window(db_path: Path) -> MainWindow:
    counter = open_counter(db_path)
    settings = current_settings(counter.read())
    terminal = counter_status(counter.read()).terminal_code
    context = ClientContext(counter=counter, settings=settings, terminal_code=terminal)
    return MainWindow(context, idle_lock_ms=settings.idle_lock_minutes * 60_000)


def apply_style(app: QApplication) -> None:
    if STYLE.exists():
        app.setStyleSheet(STYLE.read_text(encoding="utf-8"))


def run_client(
    db_path: Path,
    *,
    exit_after_startup: bool = False,
    warm_ups: Sequence[Callable[[], object]] = (),
    first_run_registrar: RegistrarFactory | None = None,
) -> int:
    """`warm_ups`: the composition root's own imports (printing), without Qt: they run on the
    warm-up thread after the first frame (ui/warm_up.py). `first_run_registrar`: how the
    first-run wizard registers a new counter with a server (cli/wiring/first_run.py)."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Tilldesk")
    setup_logging()
    apply_style(app)  # type: ignore[arg-type]
    if not exit_after_startup and needs_first_run(db_path):
        from ui.first_run import FirstRunWizard  # only on a machine's very first start

        wizard = FirstRunWizard(db_path, registrar=first_run_registrar)
        if wizard.exec() != FirstRunWizard.DialogCode.Accepted:
            return 1  # nothing set up: the next start asks again
    window = build_window(db_path)
    install_excepthook(lambda: window)
    window.resize(1280, 800)
    if exit_after_startup:
        FirstFrame(window, app)
    background = [*warm_ups, *import_steps(LIBRARIES)]
    WarmUp(window, background=background, steps=import_steps(QT_MODULES))
    window.show()
    code = app.exec()
    wait_for_all()
    window.context.counter.close()
    return code


class FirstFrame(QObject):
    """`client --exit-after-startup`: on the window's first paint, print the milliseconds since
    the process started and quit (the start-up figure the benchmark reports)."""

    def __init__(self, window: QWidget, app: QApplication) -> None:
        super().__init__(window)
        self.app = app
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._report)  # after this frame is drawn
        return False

    def _report(self) -> None:
        print(f"{process_age_ms():.0f}", flush=True)
        self.app.quit()
