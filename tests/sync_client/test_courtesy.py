"""The client's background sync gives way to the cashier: a payment recorded while the sync
is in the middle of a long write does not wait for it (the sync's transaction is stopped,
rolled back and done again afterwards), and the sync still finishes."""

import contextlib
import gc
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import event, text

from app.db.database import Database, open_database
from app.services.record_payment import PaymentRequest, record_payment
from sync.client import courtesy, first_load, sync_thread
from sync.client.apply import apply_changes
from sync.protocol import Change

ROWS = 3_000_000


def _pay(db: Database) -> str:
    request = PaymentRequest(
        "WU-10001", "Bill", ("INV-2025-001234",), "Cash", "145.50", username="jsmith"
    )
    return record_payment(db.unit_of_work(), request).receipt_number


class _Sync(threading.Thread):
    """A background sync thread running one preemptible write unit on its own Database."""

    def __init__(self, path: Path, unit: Callable[[Database, threading.Event], None]) -> None:
        super().__init__(daemon=True)
        self.db = open_database(path)
        self.unit, self.started_writing = unit, threading.Event()
        self.tries = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with courtesy.background():
                courtesy.preemptible(self._once)
        except BaseException as error:
            self.error = error
        finally:
            self.db.close()

    def _once(self) -> None:
        self.tries += 1
        self.unit(self.db, self.started_writing)


def _scratch_rows(db: Database) -> int:
    with db.read() as uow:
        return int(uow.session.scalar(text("SELECT count(*) FROM sync_scratch_test")) or 0)


def _big_insert(db: Database, writing: threading.Event) -> None:
    """One long statement inside a write transaction (SQLite works, Python waits)."""
    with db.unit_of_work() as uow:
        uow.session.execute(text("DELETE FROM sync_scratch_test"))
        writing.set()
        uow.session.execute(
            text(
                "INSERT INTO sync_scratch_test SELECT value FROM ("
                "WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n "
                f"WHERE value < {ROWS}) SELECT value FROM n)"
            )
        )
        uow.commit()


def _many_small_steps(db: Database, writing: threading.Event) -> None:
    """A long Python loop inside a write transaction (as a pull page being applied)."""
    with db.unit_of_work() as uow:
        uow.session.execute(text("DELETE FROM sync_scratch_test"))
        writing.set()
        for value in range(400):
            courtesy.checkpoint()
            uow.session.execute(text("INSERT INTO sync_scratch_test VALUES (:v)"), {"v": value})
            threading.Event().wait(0.01)
        uow.commit()


@pytest.fixture
def counter(db: Database) -> Database:
    with db.unit_of_work() as uow:
        uow.session.execute(text("CREATE TABLE sync_scratch_test (value INTEGER)"))
        uow.commit()
    return db


@pytest.mark.parametrize("unit", [_big_insert, _many_small_steps], ids=["sql", "python"])
def test_a_payment_recorded_during_a_long_sync_write_does_not_wait_for_it(counter, unit):
    sync = _Sync(counter.path, unit)
    sync.start()
    assert sync.started_writing.wait(30)

    receipt = _pay(counter)

    assert receipt  # recorded while the sync's write was under way...
    assert _scratch_rows(counter) == 0  # ...which had not committed: it gave way
    sync.join(120)
    assert sync.error is None
    assert sync.tries >= 2  # stopped once, then done again to the end
    assert _scratch_rows(counter) == (ROWS if unit is _big_insert else 400)


def test_a_sync_that_is_not_in_the_background_never_waits(counter):
    with counter.read() as uow:  # this very thread holds a connection
        uow.session.execute(text("SELECT 1"))
        assert courtesy.give_way() == 0.0


def test_a_counter_in_constant_use_still_syncs(counter, monkeypatch):
    monkeypatch.setattr(courtesy, "MOST_S", 0.3)
    sync = _Sync(counter.path, _many_small_steps)
    with counter.read() as uow:  # the cashier's screen never lets go of its connection
        uow.session.execute(text("SELECT 1"))
        sync.start()
        sync.join(60)

    assert not sync.is_alive()
    assert sync.error is None
    assert _scratch_rows(counter) == 400


def _autocheckpoint(db: Database) -> int:
    with db.unit_of_work() as uow:  # the cashier's writer connection, as a payment gets it
        return int(uow.session.execute(text("PRAGMA wal_autocheckpoint")).scalar_one())


def test_while_a_sync_runs_the_gil_changes_hands_quickly_and_the_cashier_never_checkpoints(
    counter,
):
    """A payment beside a sync busy in Python waits up to the switch interval at each of its
    SQLite calls, and a commit that checkpoints copies the sync's pages: neither while the
    sync runs; both back as they were once it stopped."""
    before = sys.getswitchinterval()
    running, stop = threading.Event(), threading.Event()

    def sync() -> None:
        with courtesy.background():
            running.set()
            stop.wait(30)

    thread = threading.Thread(target=sync, daemon=True)
    thread.start()
    assert running.wait(10)
    try:
        assert sys.getswitchinterval() == pytest.approx(sync_thread.SWITCH_S)
        assert gc.get_freeze_count() > 0  # a full collection skips the application's objects
        assert _autocheckpoint(counter) == 0
        receipt = _pay(counter)  # still records, commits and is there
    finally:
        stop.set()
        thread.join(10)

    assert sys.getswitchinterval() == before
    assert gc.get_freeze_count() == 0
    assert _autocheckpoint(counter) == courtesy.AUTOCHECKPOINT
    with counter.read() as uow:
        found = uow.session.execute(
            text("SELECT count(*) FROM payments WHERE receipt_number = :r"), {"r": receipt}
        ).scalar_one()
    assert found == 1


def _consumer_page(count: int) -> list[Change]:
    return [
        Change(
            seq=i + 1,
            entity="consumer",
            key=(key := f"00000000-0000-7000-8000-{i:012d}"),
            op="upsert",
            data={
                "id": key,
                "account_number": f"WU-7{i:05d}",
                "name": f"Pulled Person {i}",
                "service_address": f"{i} Feed Road",
                "timezone": "America/Chicago",
                "created_at": "2025-01-01T00:00:00+00:00",
            },
        )
        for i in range(count)
    ]


def _apply_page(db: Database, writing: threading.Event) -> None:
    """What the pull does with a page: the changes applied in one write transaction."""
    with db.unit_of_work() as uow:
        uow.session.execute(text("DELETE FROM sync_scratch_test"))  # takes the write lock
        writing.set()
        apply_changes(uow.session, _consumer_page(4000), uow.terminal().id)
        uow.commit()


def test_a_payment_recorded_while_a_pulled_page_is_applied_is_committed_durably(counter):
    sync = _Sync(counter.path, _apply_page)
    sync.start()
    assert sync.started_writing.wait(30)

    receipt = _pay(counter)

    # On disk for anyone who opens the file now (as after a power cut: WAL, synchronous=FULL),
    # whatever the sync is still doing.
    with contextlib.closing(sqlite3.connect(counter.path)) as fresh:
        stored = fresh.execute(
            "SELECT amount_minor, status FROM payments WHERE receipt_number = ?", (receipt,)
        ).fetchall()
    assert stored == [(14550, "Posted")]
    with counter.unit_of_work() as uow:
        assert uow.session.execute(text("PRAGMA synchronous")).scalar_one() == 2  # FULL
    sync.join(120)
    assert sync.error is None
    assert sync.tries >= 2  # the page under way when the cashier came gave way to her
    with counter.read() as uow:
        pulled = uow.session.execute(
            text("SELECT count(*) FROM consumers WHERE account_number LIKE 'WU-7%'")
        ).scalar_one()
    assert pulled == 4000  # and the page, given way, was applied whole afterwards


# After the cashier came in: SQLite's busy handler would try at 328 ms (the sync still writes)
# and next at 428 ms, about 90 ms after the sync let go.
HOLD_S = 0.335


def test_a_payment_waiting_for_the_syncs_write_starts_the_moment_the_sync_lets_go(counter):
    """A sync write the cashier cannot stop (it is committing, or gave way long enough):
    her BEGIN IMMEDIATE is not polled in SQLite's busy-handler steps (1, 2, 5 ... 100 ms)."""
    released: list[float] = []
    locked: list[float] = []

    def write_that_runs_to_the_end(db: Database, writing: threading.Event) -> None:
        with db.unit_of_work() as uow:
            uow.session.execute(text("DELETE FROM sync_scratch_test"))  # takes the write lock
            writing.set()
            while not courtesy.foreground_busy():  # the cashier came in
                time.sleep(0.0005)
            time.sleep(HOLD_S)
            uow.commit()
        released.append(time.monotonic())

    # Runs after app.db.engine's own listener, i.e. once BEGIN IMMEDIATE has the lock.
    event.listen(counter.writer, "begin", lambda _conn: locked.append(time.monotonic()))
    time.sleep(courtesy.GRACE_S * 2)  # the fixture's own transaction is long over
    sync = _Sync(counter.path, write_that_runs_to_the_end)
    sync.start()
    assert sync.started_writing.wait(30)

    receipt = _pay(counter)

    sync.join(60)
    assert sync.error is None and receipt
    late_ms = (locked[0] - released[0]) * 1000
    assert late_ms < 40, f"the payment got the lock {late_ms:.0f} ms after the sync let go"


def test_the_syncs_python_work_stops_while_the_cashier_is_recording(counter):
    """Outside a transaction the sync waits for the cashier instead of competing with her
    for the GIL at each of her SQLite calls; it goes on as soon as she is done."""
    steps: list[float] = []
    running, stop = threading.Event(), threading.Event()

    def sync() -> None:
        with courtesy.background():
            running.set()
            while not stop.is_set():
                courtesy.checkpoint()  # between two steps of a batch
                steps.append(time.monotonic())
                sum(range(2_000))  # pure Python: holds the GIL

    thread = threading.Thread(target=sync, daemon=True)
    thread.start()
    assert running.wait(10)
    try:
        with counter.unit_of_work() as uow:  # the cashier's transaction, 150 ms long
            uow.session.execute(text("SELECT 1"))
            started = time.monotonic()
            time.sleep(0.15)
            ended = time.monotonic()
        time.sleep(0.3)
    finally:
        stop.set()
        thread.join(10)

    assert len([t for t in steps if started < t < ended]) <= 1  # the step under way at most
    assert [t for t in steps if t > ended]  # and it went on afterwards


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priority: Linux")
def test_the_sync_threads_run_at_a_lower_cpu_priority_than_the_cashier():
    seen: dict[str, int] = {}

    def helper() -> None:  # as the pull's page fetcher, started by the sync's thread
        seen["helper"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def sync() -> None:
        with courtesy.background():
            seen["sync"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
            fetcher = threading.Thread(target=helper)
            fetcher.start()
            fetcher.join()

    thread = threading.Thread(target=sync)
    thread.start()
    thread.join(10)

    cashier = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert seen["sync"] == seen["helper"] == min(19, cashier + sync_thread.SYNC_NICE)


def test_a_bulk_batch_stopped_for_the_cashier_is_not_handed_to_the_normal_apply(counter):
    """The catch-up's merge stops at courtesy.checkpoint() between its two statements: that
    stop must end the unit (rolled back, done again), not pass as a batch the database refused
    (which the normal apply would then take, change by change, with the cashier still there)."""

    def stopped(_connection, _entity, _batch) -> None:
        raise courtesy.GaveWay

    with counter.unit_of_work() as uow, pytest.raises(courtesy.GaveWay):
        first_load.store_batches(uow.session, _consumer_page(3), stopped, "catch-up")
