"""The desktop client's background sync starts once its window is shown (the warm-up thread
starts it) and stops when the window closes; a window closed first starts none."""

import threading
import time

from cli.commands.client import SyncAfterFirstFrame
from tests.sync_client.support import pay


def sync_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "tilldesk-sync" and t.is_alive()]


def test_the_clients_sync_pushes_once_started_and_stops_with_the_window(counters, server):
    t01 = counters("T01")
    pay(t01, "INV-2025-001234", "7.00")
    sync = SyncAfterFirstFrame(t01.path)
    assert sync_threads() == []

    started = threading.Thread(target=sync.start, name="warm-up")  # as after the first frame
    started.start()
    started.join(60)
    deadline = time.monotonic() + 30
    while not server.query("SELECT amount_minor FROM payments") and time.monotonic() < deadline:
        time.sleep(0.1)
    sync.stop()

    assert [r[0] for r in server.query("SELECT amount_minor FROM payments")] == [700]
    assert sync_threads() == []


def test_a_window_closed_before_the_warm_up_starts_no_sync(counters, server):
    t01 = counters("T01")
    sync = SyncAfterFirstFrame(t01.path)

    sync.stop()
    sync.start()

    assert sync_threads() == []
