"""Start the desktop client: show the sign-in window, then open (and migrate) the counter's
database right after its first frame, on a thread - the frame waits neither for the database
nor for SQLAlchemy: the services are imported by that step, not at the top of the window's
modules."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QWidget

from app.domain.settings import Settings
from ui.context import ClientContext
from ui.counter_file import needs_first_run
from ui.errors import install_excepthook, setup_logging
from ui.main_window import MainWindow
from ui.ops import collect_on_gui_thread, freeze_long_lived, wait_for_all
from ui.process_age import process_age_ms
from ui.server_link import ServerLink
from ui.server_link import install as install_server_link
from ui.warm_up import LIBRARIES, QT_MODULES, WarmUp, import_steps

if TYPE_CHECKING:
    from app.services.first_run import RegistrarFactory
    from app.services.runtime import Counter

STYLE = Path(__file__).resolve().parents[1] / "resources" / "styles" / "tilldesk.qss"


def open_counter(path: Path) -> Counter:
    from app.services.runtime import open_counter as open_migrated

    return open_migrated(path)


def open_context(db_path: Path) -> ClientContext:
    """Open (migrating, after a backup, when the schema is behind) and read what the window
    shows: the settings and this terminal's code."""
    from app.services.settings import current_settings
    from app.services.status import counter_status

    counter = open_counter(db_path)
    settings = current_settings(counter.read())
    terminal = counter_status(counter.read()).terminal_code
    return ClientContext(counter=counter, settings=settings, terminal_code=terminal)


def build_window(db_path: Path) -> MainWindow:
    """The window with its counter already open (tests, tools)."""
    context = open_context(db_path)
    return MainWindow(context, idle_lock_ms=context.settings.idle_lock_minutes * 60_000)


def window_before_counter() -> MainWindow:
    """The window as first shown: the sign-in screen, no counter yet (CounterAfterFirstFrame)."""
    # No counter: nothing reads one before a sign-in, and a sign-in waits for it.
    context = ClientContext(counter=None, settings=Settings())  # type: ignore[arg-type]
    return MainWindow(context)


def apply_style(app: QApplication) -> None:
    if STYLE.exists():
        app.setStyleSheet(STYLE.read_text(encoding="utf-8"))


def run_client(
    db_path: Path,
    *,
    exit_after_startup: bool = False,
    warm_ups: Sequence[Callable[[], object]] = (),
    first_run_registrar: RegistrarFactory | None = None,
    before_counter: Sequence[Callable[[], object]] = (),
    connect_registrar: RegistrarFactory | None = None,
    start_sync_later: Callable[[], object] | None = None,
) -> int:
    """`warm_ups`: the composition root's own imports (printing), without Qt: they run on the
    warm-up thread after the first frame (ui/warm_up.py). `first_run_registrar`: how the
    first-run wizard registers a new counter with a server (cli/wiring/first_run.py).
    `before_counter`: the composition root's installs that load the services (SQLAlchemy),
    run on the GUI thread after the first frame, before the counter opens and so before any
    sign-in. `connect_registrar` and `start_sync_later`: how the Sync screen connects a counter
    that runs on its own to a server, and then starts its sync (ui/server_link.py)."""
    if connect_registrar is not None and start_sync_later is not None:
        install_server_link(ServerLink(connect_registrar, start_sync_later))
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Tilldesk")
    apply_style(app)  # type: ignore[arg-type]
    # The log file's folder is made by the services (SQLAlchemy): after the first frame,
    # unless the wizard comes first. Until then warnings reach the console, as they would.
    log_after_first_frame: tuple[Callable[[], object], ...] = (setup_logging,)
    if not exit_after_startup and needs_first_run(db_path):
        from ui.first_run import FirstRunWizard  # only on a machine's very first start

        setup_logging()
        log_after_first_frame = ()
        wizard = FirstRunWizard(db_path, registrar=first_run_registrar)
        if wizard.exec() != FirstRunWizard.DialogCode.Accepted:
            return 1  # nothing set up: the next start asks again
    opener = start_client(
        db_path,
        exit_after_startup=exit_after_startup,
        warm_ups=warm_ups,
        before_counter=(*log_after_first_frame, *before_counter),
    )
    window = opener.window
    code = app.exec()
    opener.finish()
    wait_for_all()
    if opener.failure is not None:
        raise opener.failure
    if window.context.counter is not None:  # None: closed (or measured) before it opened
        window.context.counter.close()
    return code


def start_client(
    db_path: Path,
    *,
    exit_after_startup: bool = False,
    warm_ups: Sequence[Callable[[], object]] = (),
    before_counter: Sequence[Callable[[], object]] = (),
) -> CounterAfterFirstFrame:
    """Show the window with its sign-in screen; the counter opens right after the first frame
    (the returned opener holds the window, and the failure to open, if any)."""
    app = QApplication.instance()
    window = window_before_counter()
    install_excepthook(lambda: window)
    window.resize(1280, 800)
    opener = CounterAfterFirstFrame(window, db_path, before_counter)
    if exit_after_startup:  # installed last, its filter sees the paint first: reports first
        FirstFrame(window, app)  # type: ignore[arg-type]
    background = [*warm_ups, *import_steps(LIBRARIES)]
    WarmUp(
        window,
        background=background,
        steps=import_steps(QT_MODULES),
        when_done=freeze_long_lived,
    )
    window.show()
    window.sign_in.username.setFocus()  # the cashier may type before the counter is open
    return opener


class CounterAfterFirstFrame(QObject):
    """On the window's first paint, open the counter on a thread of its own: the services'
    imports, the file (with its backup and migration when the schema is behind) and the
    settings take about 0.4 s, during which the window, on the GUI thread, keeps answering -
    the cashier's keys show as she types, and a sign-in submitted meanwhile waits for the
    counter ("Opening the counter..."). A failure to open ends the client, raised from
    run_client as when the counter was opened before the window: nothing can be done without
    a counter."""

    opened = Signal(object)  # the ClientContext or the exception, from the opening thread

    def __init__(
        self, window: MainWindow, db_path: Path, before: Sequence[Callable[[], object]] = ()
    ) -> None:
        super().__init__(window)
        self.window = window
        self.db_path = db_path
        self.before = list(before)
        self.failure: Exception | None = None
        self.thread: threading.Thread | None = None
        self._unattached: ClientContext | None = None  # opened, but the client had ended
        self.opened.connect(self._attach)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.open)
        return False

    def open(self) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)  # busy, and still answering
        collect_on_gui_thread()  # the thread allocates a lot: no collection there
        # Not a daemon: a client closed at once waits for the file to be opened and closes it.
        self.thread = threading.Thread(target=self._open, name="open-counter")
        self.thread.start()

    def _open(self) -> None:
        try:
            for step in self.before:
                step()
            result: ClientContext | Exception = open_context(self.db_path)
        except Exception as error:  # raised again by run_client, as before the window
            result = error
        if isinstance(result, ClientContext):
            self._unattached = result
        self.opened.emit(result)  # queued: _attach runs on the GUI thread

    @Slot(object)
    def _attach(self, result: ClientContext | Exception) -> None:
        QApplication.restoreOverrideCursor()
        if isinstance(result, Exception):
            self.failure = result
            QApplication.exit(1)
            return
        self._unattached = None
        self.window.attach_counter(result)

    def finish(self) -> None:
        """After the event loop: wait for an opening still under way, and close a counter
        opened after the client ended (it never reached the window)."""
        if self.thread is not None:
            self.thread.join()
        if self._unattached is not None:
            self._unattached.counter.close()
            self._unattached = None


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
