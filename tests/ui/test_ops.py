"""The op helper hands answers to screens and lets go of them cleanly, whoever goes first."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import gc
import threading
import weakref

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QWidget

from app.domain.errors import UserFacingError
from ui import ops
from ui.ops import ServiceOp


class Screen(QWidget):
    """A parentless screen, as tests make them: only Python keeps it alive."""

    def __init__(self) -> None:
        super().__init__()
        self.answer = QLabel("", self)

    def ask(self, fn) -> None:
        ServiceOp(self, fn, read=True).success(self.on_answered).failure(self.on_refused).run()

    def on_answered(self, result: object) -> None:
        self.answer.setText(f"Answer: {result}")

    def on_refused(self, error: UserFacingError) -> None:
        self.answer.setText(str(error))


def refuse() -> None:
    raise UserFacingError("No receipt 'R-T01-9999'.")


def answered(qapp, screen: Screen) -> str:
    """Wait as qtbot.waitUntil does: until the answer shows, then no longer."""
    while not screen.answer.text():
        ops.wait_for_all()
        qapp.processEvents()
    return screen.answer.text()


@pytest.mark.parametrize(("fn", "shown"), [(lambda: 42, "Answer: 42"), (refuse, "No receipt")])
def test_a_screen_dropped_right_after_its_answer_goes_without_a_crash(qapp, fn, shown) -> None:
    """The UI-test segfault: the op's pending deletion used to free the last reference to
    its screen from inside the op's own destructor, and the screen then deleted the op again.
    Before the fix this crashed the process on the first or second round."""
    for _ in range(20):
        screen = Screen()
        screen.ask(fn)
        assert answered(qapp, screen).startswith(shown)
        gone = weakref.ref(screen)
        del screen  # the test that made it returns
        qapp.processEvents()  # what pytest-qt does next
        qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert gone() is None


def test_an_answer_for_a_screen_already_closed_is_dropped(qapp) -> None:
    release = threading.Event()
    screen = Screen()
    screen.ask(lambda: release.wait(5) and "late")
    screen.deleteLater()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    release.set()
    ops.wait_for_all()
    qapp.processEvents()  # the answer arrives for nobody, and nothing breaks

    assert ops._dispatch().ops == {}


def make_cycles() -> int:
    """Work as a pool thread does it: plenty of short-lived containers, some in cycles."""
    for _ in range(50_000):
        cycle: list = []
        cycle.append(cycle)
    return 0


def test_a_widget_in_a_reference_cycle_is_freed_on_the_gui_thread(qapp) -> None:
    """The UI-test deadlock (and segfault): Python's automatic collector ran on whichever
    thread allocated - often a pool thread - and freed a parentless widget there. Now no
    automatic collection happens while ops run; the GUI thread's collector frees it."""
    freed_on: list[str] = []
    widget = QWidget()
    widget.itself = widget  # only the cycle collector can free it
    widget.destroyed.connect(lambda: freed_on.append(threading.current_thread().name))
    del widget
    screen = Screen()

    for _ in range(5):
        screen.ask(make_cycles)
        answered(qapp, screen)
        screen.answer.clear()

    assert not gc.isenabled()  # while pool threads may run, only the GUI thread collects
    gui = threading.main_thread().name
    # However much the pool threads allocated, none of them freed it; the GUI thread's own
    # collector (a timer) may already have, on a slow machine: then it was there.
    assert set(freed_on) <= {gui}
    ops._dispatch().garbage.collect()
    gc.collect()
    assert freed_on == [gui]
    screen.deleteLater()


def test_a_refusal_nobody_handles_is_told_as_a_message_not_a_crash(qapp) -> None:
    told: list[tuple[str, object]] = []

    def on_refused(error: UserFacingError) -> None:
        told.append(("refused", error.message))

    def on_crash(error: BaseException) -> None:
        told.append(("crash", error))

    ops.hub.refused.connect(on_refused)
    ops.hub.unexpected_error.connect(on_crash)
    try:
        screen = Screen()
        ServiceOp(screen, refuse, read=True).success(screen.on_answered).run()  # no failure()
        while not told:
            ops.wait_for_all()
            qapp.processEvents()
    finally:
        ops.hub.refused.disconnect(on_refused)
        ops.hub.unexpected_error.disconnect(on_crash)

    assert told == [("refused", "No receipt 'R-T01-9999'.")]
