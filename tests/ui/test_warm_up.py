"""The warm-up after the first frame: libraries on a thread, then the Qt modules one by one on
the GUI thread; nothing before the window is shown; a failing step stops nothing."""

import importlib.util
import logging
import threading

import pytest
from PySide6.QtWidgets import QWidget

from ui import warm_up
from ui.warm_up import LIBRARIES, QT_MODULES, WarmUp


def recorder(log: list[tuple[str, str]], name: str):
    return lambda: log.append((name, threading.current_thread().name))


@pytest.fixture(autouse=True)
def quick_start(monkeypatch) -> None:
    monkeypatch.setattr(warm_up, "START_AFTER_MS", 10)


def test_nothing_is_warmed_before_the_first_frame_then_everything_in_order(qtbot, qapp) -> None:
    ran: list[tuple[str, str]] = []
    window = QWidget()
    qtbot.addWidget(window)
    warming = WarmUp(
        window,
        background=[recorder(ran, "numpy"), recorder(ran, "printing")],
        steps=[recorder(ran, "pyqtgraph"), recorder(ran, "screens")],
    )
    # Not shown yet: every event due is handled, and still nothing ran and nothing is even
    # scheduled - warming starts only from the first paint, however long one waits.
    qapp.processEvents()
    qapp.sendPostedEvents()
    assert ran == []
    assert warming.waiting_for_first_frame

    window.show()
    qtbot.waitUntil(lambda: warming.finished, timeout=5000)

    assert [name for name, _ in ran] == ["numpy", "printing", "pyqtgraph", "screens"]
    gui = threading.main_thread().name
    assert [thread for _, thread in ran] == ["warm-up", "warm-up", gui, gui]


def test_a_failing_step_is_logged_and_the_rest_still_warm(qtbot, caplog) -> None:
    ran: list[tuple[str, str]] = []

    def broken() -> None:
        raise ImportError("no module named 'gone'")

    window = QWidget()
    qtbot.addWidget(window)
    warming = WarmUp(
        window, background=[broken, recorder(ran, "numpy")], steps=[broken, recorder(ran, "ui")]
    )
    window.show()
    with caplog.at_level(logging.WARNING, logger="ui.warm_up"):
        qtbot.waitUntil(lambda: warming.finished, timeout=5000)

    assert [name for name, _ in ran] == ["numpy", "ui"]
    assert [r.message for r in caplog.records] == ["warm-up step failed"] * 2


def test_every_module_the_client_warms_exists() -> None:
    missing = [name for name in (*LIBRARIES, *QT_MODULES) if importlib.util.find_spec(name) is None]
    assert missing == []


def test_once_the_last_step_ran_the_start_up_objects_are_frozen_out_of_the_collector(
    qtbot,
) -> None:
    """The client's `when_done` is gc.freeze: what the start-up imported lives as long as the
    process, and a full collection over it held the GUI thread for about 140 ms."""
    import gc

    from ui.ops import freeze_long_lived

    ran: list[tuple[str, str]] = []
    window = QWidget()
    qtbot.addWidget(window)
    gc.unfreeze()
    warming = WarmUp(
        window,
        background=[recorder(ran, "numpy")],
        steps=[
            recorder(ran, "pyqtgraph"),
            lambda: ran.append(("frozen", str(gc.get_freeze_count()))),
        ],
        when_done=freeze_long_lived,
    )
    window.show()
    try:
        qtbot.waitUntil(lambda: warming.finished, timeout=5000)

        assert ran[-1] == ("frozen", "0")  # not before the last step
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()
