"""The background sync gives way to the cashier.

The desktop client syncs on a thread of its own process. While it parses a page or stores a
batch, a payment the cashier records could wait three ways: for the SQLite write lock, for
Python's GIL at every statement, and for a CPU. Measured during `tilldesk bench --sync` before
the handoff below (load 5-6): three payments in ten started while a sync transaction held the
lock, and SQLite's busy handler, which sleeps 1, 2, 5, 10, 15, 20... ms between its tries, made
them wait 1.2, 3.3, 8.4, 21, 34, 53 ms - its steps, whatever the sync needed to let go.

So, on a thread that declared itself with `background()`:
* Between its units of work - a push batch, a pull page, never inside a transaction - the sync
  waits while any other thread of the process holds a connection to a SQLite file, and a moment
  after (the cashier's next unit of work usually follows at once); never longer than MOST_S at
  one point, so a counter in constant use still syncs.
* Inside a unit, a cashier who comes in stops it: inside `preemptible()` the sync's SQLite
  statements are interrupted (a progress handler) and its Python loops stop at `checkpoint()`
  the moment another thread checks a connection out; the transaction rolls back - a pull page or
  a batch of push outcomes, both safe to do again - and is retried after giving way. After
  MOST_S of giving way the next try runs to the end, so the sync always moves on.
* The cashier's writer does not poll for the lock: it waits on a condition that the sync's
  writer connection signals as it is checked in (the lock is free by then), so it starts the
  moment the sync let go. Another process holding the lock is still met by busy_timeout.
* Outside a write transaction the sync's work pauses (its SQLite statements, between the steps
  of a batch, the page fetcher before it parses) while the cashier holds a connection, so the
  GIL is the cashier's alone: with a busy sync beside it, each of a payment's SQLite calls
  waited for the GIL to come back.
* The process is tuned while a sync runs (sync.client.sync_thread): the GIL changes hands
  quickly, the sync's threads run at a lower CPU priority, and the collector leaves the
  application's long-lived objects alone.
* No commit checkpoints the WAL while a sync runs (wal_autocheckpoint=0 on every connection):
  the sync writes its WAL to disk and copies it into the database file on its own thread after
  its writer let go, and the cashier stops the copy if she comes in (sync.client.wal_upkeep).

Other threads' use is seen through the connection pool's checkout and checkin events, which
come before the BEGIN IMMEDIATE that may wait for the lock and after the COMMIT; nothing in the
application needs to know.
"""

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import Pool

from sync.client import sync_thread, wal_upkeep

log = logging.getLogger(__name__)

T = TypeVar("T")
P = ParamSpec("P")
PROGRESS_STEPS = 20_000  # SQLite VM steps between two looks at the foreground (~0.1 ms)
GRACE_S = 0.05  # after the cashier's last transaction ended
MOST_S = 2.0
PAUSE_MOST_S = 0.25  # one pause outside a transaction (a payment takes a few ms)
HANDOFF_MOST_S = 10.0  # the cashier's wait for the sync's writer; then busy_timeout's polling
STALE_S = 10.0  # a connection held longer than this is a lost event, not a cashier
AUTOCHECKPOINT = 1000  # SQLite's default (pages), for a foreground with no sync beside it

_lock = threading.Lock()
_changed = threading.Condition(_lock)  # a connection of either side was checked in
_open: dict[int, list[float]] = {}  # foreground thread -> when it checked connections out
_last_end = 0.0
# The writer connections sync threads hold (each may hold the lock): pool record -> thread.
_background_writers: dict[int, tuple[int, float]] = {}
_background = threading.local()
_installed = False
# For the benchmark's report.
stats = {
    "gave_way_s": 0.0,
    "interrupted": 0,
    "paused_s": 0.0,
    "cashier_waited_s": 0.0,
    "checkpoints": 0,
    "checkpoints_interrupted": 0,
}


class GaveWay(Exception):
    """Raised inside a preemptible unit's Python work when the foreground came in."""


def checkpoint() -> None:
    """In the sync's long Python loops: inside a preemptible unit, stop here (the unit rolls
    back and is retried) when the foreground holds a connection; outside a write transaction,
    wait while it does; on any other thread, nothing."""
    if not getattr(_background, "active", False):
        return
    if _holds_writer():
        if getattr(_background, "interruptible", False) and _holding():
            _background.interrupted = True
            raise GaveWay
        return
    pause()


def pause() -> float:
    """On a background thread holding no writer connection: wait (the GIL released) while
    the foreground holds a connection, at most PAUSE_MOST_S. Seconds waited."""
    if not getattr(_background, "active", False) or _holds_writer():
        return 0.0
    started = time.monotonic()
    with _changed:
        while _holding_locked() and time.monotonic() - started < PAUSE_MOST_S:
            _changed.wait(PAUSE_MOST_S - (time.monotonic() - started))
    waited = time.monotonic() - started
    stats["paused_s"] += waited
    return waited


@contextmanager
def background() -> Iterator[None]:
    """Mark this thread as a background sync for the duration (and start watching)."""
    _install()
    _background.active = True
    wal_upkeep.restart()
    sync_thread.enter()
    niceness = sync_thread.lower_priority()
    try:
        yield
    finally:
        _background.active = False
        sync_thread.restore_priority(niceness)
        sync_thread.leave()


def beside(work: Callable[P, T]) -> Callable[P, T]:
    """`work` to run on a helper thread (the pull's page fetcher) as part of this thread's
    sync: there it pauses for the cashier too. Called on the sync's thread."""
    if not getattr(_background, "active", False):
        return work

    def helping(*args: P.args, **kwargs: P.kwargs) -> T:
        was = getattr(_background, "active", False)
        _background.active = True
        try:
            return work(*args, **kwargs)
        finally:
            _background.active = was

    return helping


def give_way() -> float:
    """On a background thread: wait while the foreground works. Seconds waited."""
    if not getattr(_background, "active", False):
        return 0.0
    started = time.monotonic()
    with _changed:
        while True:
            left = MOST_S - (time.monotonic() - started)
            if left <= 0:
                break
            if _holding_locked():
                _changed.wait(left)
                continue
            quiet_for = time.monotonic() - _last_end
            if quiet_for >= GRACE_S:
                break
            _changed.wait(min(left, GRACE_S - quiet_for))
    waited = time.monotonic() - started
    stats["gave_way_s"] += waited
    return waited


def preemptible(unit: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a write unit of work on a background thread, giving way first, and again (the
    unit rolled back and retried) whenever the foreground comes in while it runs."""
    if not getattr(_background, "active", False):
        return unit(*args, **kwargs)
    waited = 0.0
    while True:
        waited += give_way()
        _background.interruptible = waited < MOST_S
        _background.interrupted = False
        try:
            return unit(*args, **kwargs)
        except (OperationalError, GaveWay):
            if not _background.interrupted:
                raise
            stats["interrupted"] += 1
        finally:
            _background.interruptible = False


def foreground_busy() -> bool:
    with _lock:
        return _holding_locked() or time.monotonic() - _last_end < GRACE_S


def _holding() -> bool:
    with _lock:
        return _holding_locked()


def _holding_locked() -> bool:
    now = time.monotonic()
    return any(now - began < STALE_S for opened in _open.values() for began in opened)


def _holds_writer() -> bool:
    """This (background) thread has a writer connection checked out: it never waits then."""
    me = threading.get_ident()
    with _lock:
        return any(thread == me for thread, _ in _background_writers.values())


def _writers_out_locked() -> bool:
    now = time.monotonic()
    return any(now - since < STALE_S for _, since in _background_writers.values())


def _interrupt() -> int:
    """SQLite's progress handler on a background thread's connection: in a preemptible
    writer, non-zero stops the statement (SQLITE_INTERRUPT) when a foreground thread holds a
    connection; in a read, the statement waits for the foreground instead."""
    if _holds_writer():
        if not getattr(_background, "interruptible", False) or not _holding():
            return 0
        _background.interrupted = True
        return 1
    pause()
    return 0


def _install() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        event.listen(Pool, "checkout", _began)
        event.listen(Pool, "checkin", _ended)
        # Before each engine's own BEGIN listener (app.db.engine's BEGIN IMMEDIATE).
        event.listen(Engine, "begin", _beginning)
        _installed = True


def _is_writer(record: Any) -> bool:
    return bool(record.info.get("writer", True))  # app.db.engine marks its connections


def _autocheckpoint(dbapi_connection: sqlite3.Connection, record: Any, pages: int) -> None:
    if record.info.get("wal_autocheckpoint", AUTOCHECKPOINT) != pages:
        dbapi_connection.execute(f"PRAGMA wal_autocheckpoint = {pages}")
        record.info["wal_autocheckpoint"] = pages


def _began(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    if getattr(_background, "active", False):
        dbapi_connection.set_progress_handler(_interrupt, PROGRESS_STEPS)
        if _is_writer(record):
            _autocheckpoint(dbapi_connection, record, 0)  # it checkpoints after checkin
            with _lock:
                _background_writers[id(record)] = (threading.get_ident(), time.monotonic())
        return
    with _lock:
        _open.setdefault(threading.get_ident(), []).append(time.monotonic())
    wal_upkeep.interrupt()  # a checkpoint the sync is copying stops at once
    pages = 0 if sync_thread.running() else AUTOCHECKPOINT
    _autocheckpoint(dbapi_connection, record, pages)


def _beginning(connection: Connection) -> None:
    """A foreground writer about to BEGIN IMMEDIATE (its checkout has the sync's statements
    interrupted already): first wait until the sync's writer is checked in, so BEGIN finds
    the lock free instead of sleeping in SQLite's busy-handler steps."""
    if getattr(_background, "active", False):
        return
    pooled = connection.connection
    if isinstance(pooled.dbapi_connection, sqlite3.Connection) and pooled.info.get("writer"):
        _wait_for_background_writers()


def _wait_for_background_writers() -> None:
    started = time.monotonic()
    with _changed:
        while _writers_out_locked() and time.monotonic() - started < HANDOFF_MOST_S:
            _changed.wait(HANDOFF_MOST_S - (time.monotonic() - started))
    stats["cashier_waited_s"] += time.monotonic() - started


def _ended(dbapi_connection: Any, record: Any) -> None:
    global _last_end
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    with _changed:  # whichever thread checks it in (a connection may be garbage-collected)
        was_background_writer = _background_writers.pop(id(record), None) is not None
        if was_background_writer:
            _changed.notify_all()
    if was_background_writer or getattr(_background, "active", False):
        dbapi_connection.set_progress_handler(None, 0)  # the next user may be the cashier
        if was_background_writer and getattr(_background, "active", False):
            _upkeep(dbapi_connection, record.info)
        return
    with _changed:
        opened = _open.get(threading.get_ident())
        if opened:
            opened.pop()
        _last_end = time.monotonic()
        _changed.notify_all()


def _upkeep(dbapi_connection: sqlite3.Connection, info: dict[str, Any]) -> None:
    """On the sync's thread, its writer just checked in (nobody else uses it: the sync's
    Database is its own): its WAL to disk, and into the database file when it is time."""
    wal_upkeep.flush(dbapi_connection, info)
    outcome = wal_upkeep.tidy(dbapi_connection, quiet=lambda: not foreground_busy())
    if outcome == "done":
        stats["checkpoints"] += 1
    elif outcome == "interrupted":
        stats["checkpoints_interrupted"] += 1
