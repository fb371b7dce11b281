"""While the first load runs, the status bar and the Sync screen say how far it is ("Loading
consumers 412,000 of 1,000,000 - about 2 min left") instead of an empty list; the reports come
from the sync thread through the same tracker and signal the background sync uses."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading

import pytest
from PySide6.QtCore import Qt

from app.db.database import Database
from app.db.tables import SyncState
from app.services.runtime import counter_for
from app.services.settings import current_settings
from sync.client.load_progress import LoadTracker
from tests.support.ui import type_credentials
from ui.context import ClientContext
from ui.main_window import MainWindow
from ui.ops import wait_for_all
from ui.sync_progress import report, sync_load


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def window(qtbot, db: Database):
    with db.unit_of_work() as uow:
        uow.session.add(
            SyncState(
                id=1,
                server_url="https://sync.example",
                terminal_code="T01",
                epoch="e1",
                cursor=0,
                failures=0,
            )
        )
        uow.commit()
    counter = counter_for(db)
    context = ClientContext(
        counter=counter, settings=current_settings(counter.read()), terminal_code="T01"
    )
    main = MainWindow(context, idle_lock_ms=60_000)
    qtbot.addWidget(main)
    main.resize(1024, 768)
    main.show()
    yield main
    report(None)
    wait_for_all()


def _from_the_sync_thread(tracker: LoadTracker, clock: Clock) -> None:
    def load() -> None:
        tracker("Loading consumers", 0, 1_000_000)
        tracker("Loading bills", 0, 1_000_000)
        clock.now = 60.0
        tracker("Loading consumers", 412_000, 1_000_000)

    thread = threading.Thread(target=load)
    thread.start()
    thread.join()


def test_the_status_bar_and_sync_screen_show_the_first_load_then_the_usual_status(qtbot, window):
    type_credentials(qtbot, window, "mbrown", "2345")
    qtbot.waitUntil(lambda: window.context.actor is not None)
    qtbot.keyClick(window, Qt.Key.Key_F7)
    screen = window.screens["sync"]
    qtbot.waitUntil(lambda: screen.isVisible() and bool(screen.empty.text()))
    clock = Clock()
    tracker = LoadTracker(report, clock=clock)

    _from_the_sync_thread(tracker, clock)

    # 412,000 of 2,000,000 in 60 s: 1,588,000 more at that rate is about 4 min.
    expected = "Loading consumers 412,000 of 1,000,000 - about 4 min left"
    qtbot.waitUntil(lambda: window.status_sync.text() == expected)
    assert screen.loading.text() == expected and screen.loading.isVisible()
    assert screen.empty.text() == expected  # not "Nothing to review" while records arrive
    assert window.minimumSizeHint().width() <= 1024 and window.width() <= 1024
    window.refresh_sync_status()  # the periodic status refresh keeps the load in view
    wait_for_all()
    qtbot.wait(50)
    assert window.status_sync.text() == expected

    tracker.finish()  # the sync ended
    qtbot.waitUntil(lambda: not window.status_sync.text().startswith("Loading"))
    qtbot.waitUntil(lambda: not screen.loading.isVisible())
    qtbot.waitUntil(lambda: screen.empty.text().startswith("Nothing to review"))
    assert sync_load.current is None
