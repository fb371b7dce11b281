"""After the first frame, import what signing in will need: the sign-in screen comes up without
these modules, and the first sign-in does not wait for them.

Libraries without Qt load on a thread (the cashier can type meanwhile); then the Qt modules
(pyqtgraph, the screens) load on the GUI thread, one per turn of the event loop.
"""

import importlib
import logging
import threading
from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from ui.ops import collect_on_gui_thread
from ui.screen_wiring import SCREEN_MODULES

log = logging.getLogger(__name__)

START_AFTER_MS = 300  # after the first frame: let the window settle and the first keys in
POLL_MS = 50
LIBRARIES = (  # no Qt in them, so a thread may import them
    "numpy",
    "printing.profiles",  # python-escpos' capability database, for the receipt preview
    "openpyxl",
    "reportlab.platypus",
    "app.services.disputes",  # the payment details' disputes: holidays, phonenumbers (90 ms)
)
QT_MODULES = (
    "pyqtgraph",
    *SCREEN_MODULES,
    "ui.screens.settings",
    "ui.screens.sync",
    "ui.dialogs.create_credit_note",
    "ui.dialogs.credit_note_details",
)

Step = Callable[[], object]


def import_steps(modules: Sequence[str]) -> list[Step]:
    return [partial(importlib.import_module, name) for name in modules]


def _run(step: Step) -> None:
    try:
        step()
    except Exception:
        # The code that needs the module imports it again and reports the error there.
        log.warning("warm-up step failed", exc_info=True)


class WarmUp(QObject):
    """START_AFTER_MS after `window`'s first paint: `background` on a thread, then `steps`
    one by one on the GUI thread, the event loop handling input between two of them; then
    `when_done`."""

    def __init__(
        self,
        window: QWidget,
        *,
        background: Sequence[Step] = (),
        steps: Sequence[Step] = (),
        when_done: Step | None = None,
    ) -> None:
        super().__init__(window)
        self.background = list(background)
        self.steps = list(steps)
        self.when_done = when_done  # on the GUI thread, after the last step
        self.done = 0  # GUI steps run so far
        self.thread: threading.Thread | None = None
        self._timer = QTimer(self, singleShot=True)  # a child: stops with the window
        self._timer.timeout.connect(self._turn)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self._timer.start(START_AFTER_MS)
        return False

    @property
    def waiting_for_first_frame(self) -> bool:
        """Nothing started and nothing scheduled: only the window's first paint starts it."""
        return self.thread is None and self.done == 0 and not self._timer.isActive()

    @property
    def finished(self) -> bool:
        return (
            self.thread is not None
            and not self.thread.is_alive()
            and self.done == len(self.steps)
            and self.when_done is None
        )

    def _turn(self) -> None:
        if self.thread is None:
            collect_on_gui_thread()  # the thread allocates a lot: no collection there
            # Not a daemon: a client closed at once waits for the imports, never cuts one off.
            self.thread = threading.Thread(target=self._run_background, name="warm-up")
            self.thread.start()
        if self.thread.is_alive():  # the Qt modules import these libraries: wait for them
            self._timer.start(POLL_MS)
            return
        if self.done < len(self.steps):
            step = self.steps[self.done]
            self.done += 1
            _run(step)
            self._timer.start(0)
            return
        if self.when_done is not None:
            when_done, self.when_done = self.when_done, None
            _run(when_done)

    def _run_background(self) -> None:
        for step in self.background:
            _run(step)
