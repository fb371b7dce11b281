"""Qt fixtures shared by the screen tests of several packages (a pytest plugin, registered in
tests/conftest.py): the client's style sheet, a signed-in context, the main window, and Qt
clean-up."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import gc
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QEvent

from app.db.database import Database
from app.services.actors import sign_in
from app.services.runtime import counter_for
from app.services.settings import current_settings
from ui import ops
from ui.app import apply_style
from ui.context import ClientContext

if TYPE_CHECKING:
    from ui.main_window import MainWindow


@pytest.fixture
def styled(qapp) -> Iterator[None]:
    """The style sheet the client runs with: its paddings are what made the bar too wide."""
    apply_style(qapp)
    yield
    qapp.setStyleSheet("")


@pytest.fixture
def context(db: Database) -> Iterator[ClientContext]:
    """Terminal T01 with the spec's sample, Jane Smith (jsmith, cashier) signed in."""
    counter = counter_for(db)
    actor = sign_in(counter.write(), "jsmith", "1234")
    yield ClientContext(
        counter=counter,
        settings=current_settings(counter.read()),
        actor=actor,
        terminal_code="T01",
    )
    ops.wait_for_all()  # no service call may outlive the database it runs on


@pytest.fixture
def main_window(qtbot, db: Database) -> Iterator["MainWindow"]:
    """The client's main window on terminal T01, signed out, at 1366x768."""
    from ui.main_window import MainWindow

    counter = counter_for(db)
    context = ClientContext(
        counter=counter, settings=current_settings(counter.read()), terminal_code="T01"
    )
    main = MainWindow(context, idle_lock_ms=60_000)
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    yield main
    ops.wait_for_all()


@pytest.fixture
def _nothing_outlives_its_test(qapp) -> Iterator[None]:
    """Runs after qtbot closed the test's widgets: no service call keeps running, and the
    widgets are really deleted now, not all at once while the interpreter shuts down.
    The test's reference cycles are collected here too, on the GUI thread (see ops).
    A screen package's conftest.py makes it autouse; a module elsewhere uses QT_CLEANUP."""
    yield
    ops.wait_for_all()
    qapp.processEvents()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(scope="session")
def _pools_gone_before_exit(qapp) -> Iterator[None]:
    """Join the op helper's pool threads while the interpreter is whole.

    Left to interpreter shutdown, the pools are destroyed in no particular order with the
    Qt objects around them and the process segfaults at exit about every other run.
    """
    yield
    ops.wait_for_all()
    qapp.processEvents()  # deliver the last results here, on the GUI thread
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    ops.shut_down()
    gc.collect()


QT_CLEANUP = pytest.mark.usefixtures("_nothing_outlives_its_test", "_pools_gone_before_exit")
"""`pytestmark = QT_CLEANUP` in a screen test module outside tests/ui."""
