"""The background loop: syncs on its own, backs off while the server is away, stops on request."""

import threading

from app.services.sync_status import sync_status
from sync.client.background import background_sync
from sync.client.backoff import Backoff
from sync.client.runner import SyncRunner
from tests.sync_client.support import pay


def test_the_runner_syncs_in_the_background_and_stops_when_told(counters, server):
    t01 = counters("T01")
    pay(t01, "INV-2025-001234", "12.00")
    synced = threading.Event()
    runner = SyncRunner(t01, interval_s=0.2, on_result=lambda _result: synced.set())
    thread = runner.start_thread()
    assert synced.wait(30)
    runner.stop()
    thread.join(30)
    assert not thread.is_alive()
    assert sync_status(t01.read()).pending_count == 0
    assert [r[0] for r in server.query("SELECT amount_minor FROM payments")] == [1200]


def test_while_the_server_is_away_the_runner_backs_off_and_keeps_everything(counters, server):
    t01 = counters("T01")
    server.stop()
    pay(t01, "INV-2025-001234", "12.00")
    failed = threading.Event()
    runner = SyncRunner(
        t01,
        interval_s=0.2,
        backoff=Backoff(base_s=0.1, cap_s=0.5),
        on_result=lambda result: failed.set() if isinstance(result, Exception) else None,
    )
    assert isinstance(runner.run_once(), Exception)
    assert isinstance(runner.run_once(), Exception)
    assert runner.failures == 2 and 0 <= runner.next_delay() <= 0.5
    status = sync_status(t01.read())
    assert not status.online and status.pending_count >= 1
    assert "out of reach" in (status.last_error or "")
    server.start()
    runner.run_once()
    assert runner.failures == 0 and runner.next_delay() == 0.2
    assert sync_status(t01.read()).pending_count == 0


def test_the_desktop_client_syncs_beside_the_window(counters, server):
    t01 = counters("T01")
    pay(t01, "INV-2025-001234", "7.00")
    path = t01.path
    with background_sync(path, interval_s=0.2):
        for _ in range(300):
            if server.query("SELECT amount_minor FROM payments"):
                break
            threading.Event().wait(0.1)
    assert [r[0] for r in server.query("SELECT amount_minor FROM payments")] == [700]
