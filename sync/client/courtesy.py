"""The background sync gives way to the cashier.

The desktop client syncs on a thread of its own process. While it parses a page or stores a
batch, a payment the cashier records waits twice: for the SQLite write lock, and for Python's
GIL at every statement (a busy background thread makes each hand-back wait up to the switch
interval). Measured before this module: a payment took twice as long during a push, and during
a pull one in twenty waited about 2 s for a 1,000-change page's transaction. So between its units of
work - a push batch, a pull page, never inside a transaction - a sync thread that declared
itself with `background()` waits while any other thread of the process holds a connection to
a SQLite file, and a moment after (the cashier's next unit of work usually follows at once).
It never waits longer than MOST_S at one point: a counter in constant use still syncs.

A cashier who starts while a sync transaction is already running does not wait for it either:
inside `preemptible()` the sync's SQLite statements are interrupted (a progress handler) the
moment another thread checks a connection out; the transaction rolls back - a pull page or a
batch of push outcomes, both safe to do again - and is retried after giving way. After MOST_S
of giving way the next try runs to the end, so the sync always moves on.

Other threads' use is seen through the connection pool's checkout and checkin events, which
come before the BEGIN IMMEDIATE that may wait for the lock and after the COMMIT; nothing in the
application needs to know.

While a background sync runs, the GIL changes hands every SWITCH_S instead of Python's 5 ms:
the cashier's thread releases the GIL at every SQLite call (several per statement, a payment
makes about twenty statements), and each time it wants it back from a sync thread busy in
Python it waits up to the interval: hundreds of ms a payment at 5 ms, a few at SWITCH_S.
Threads that do not compete never switch, so a quiet counter pays nothing for it.

Nor does the cashier's commit checkpoint the WAL while a background sync runs (a commit that
copies the WAL into the database file and syncs it too took the payments' p95 from 45 to
105-128 ms at load 11): the foreground's connections get wal_autocheckpoint=0 when they are
checked out, and the sync's own commits checkpoint as SQLite always does.
"""

import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import Pool

T = TypeVar("T")
PROGRESS_STEPS = 20_000  # SQLite VM steps between two looks at the foreground (~0.1 ms)
GRACE_S = 0.05  # after the cashier's last transaction ended
MOST_S = 2.0
STALE_S = 10.0  # a connection held longer than this is a lost event, not a cashier
SWITCH_S = 0.0005  # the GIL's switch interval while a background sync runs
AUTOCHECKPOINT = 1000  # SQLite's default (pages), for a foreground with no sync beside it

_lock = threading.Lock()
_open: dict[int, list[float]] = {}  # foreground thread -> when it checked connections out
_last_end = 0.0
_background = threading.local()
_installed = False
# One entry per background sync running: the switch interval before it started.
_intervals: list[float] = []
stats = {"gave_way_s": 0.0, "interrupted": 0}  # for the benchmark's report


class GaveWay(Exception):
    """Raised inside a preemptible unit's Python work when the foreground came in."""


def checkpoint() -> None:
    """In a preemptible unit's long Python loops: stop here (the unit rolls back and is
    retried) when the foreground holds a connection; nothing anywhere else."""
    if getattr(_background, "interruptible", False) and _holding():
        _background.interrupted = True
        raise GaveWay


@contextmanager
def background() -> Iterator[None]:
    """Mark this thread as a background sync for the duration (and start watching)."""
    _install()
    _background.active = True
    _quicken_switching()
    try:
        yield
    finally:
        _background.active = False
        _restore_switching()


def give_way() -> float:
    """On a background thread: wait while the foreground works. Seconds waited."""
    if not getattr(_background, "active", False):
        return 0.0
    started = time.monotonic()
    while time.monotonic() - started < MOST_S and foreground_busy():
        time.sleep(0.005)
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


def _interrupt() -> int:
    """SQLite's progress handler on a background thread's connection: non-zero stops the
    statement (SQLITE_INTERRUPT) when a foreground thread holds a connection."""
    if not getattr(_background, "interruptible", False) or not _holding():
        return 0
    _background.interrupted = True
    return 1


def _holding() -> bool:
    now = time.monotonic()
    with _lock:
        return any(now - began < STALE_S for opened in _open.values() for began in opened)


def foreground_busy() -> bool:
    now = time.monotonic()
    with _lock:
        live = [began for opened in _open.values() for began in opened if now - began < STALE_S]
        return bool(live) or now - _last_end < GRACE_S


def _quicken_switching() -> None:
    with _lock:
        _intervals.append(sys.getswitchinterval())
        sys.setswitchinterval(min(SWITCH_S, _intervals[0]))


def _restore_switching() -> None:
    with _lock:
        if _intervals:
            first = _intervals[0]
            _intervals.pop()
            if not _intervals:
                sys.setswitchinterval(first)


def _install() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        event.listen(Pool, "checkout", _began)
        event.listen(Pool, "checkin", _ended)
        _installed = True


def _foreground(dbapi_connection: Any) -> bool:
    if getattr(_background, "active", False):
        return False
    return isinstance(dbapi_connection, sqlite3.Connection)


def _began(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    if getattr(_background, "active", False) and isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.set_progress_handler(_interrupt, PROGRESS_STEPS)
        return
    if _foreground(dbapi_connection):
        with _lock:
            _open.setdefault(threading.get_ident(), []).append(time.monotonic())
            pages = 0 if _intervals else AUTOCHECKPOINT  # 0 while a background sync runs
        if record.info.get("wal_autocheckpoint", AUTOCHECKPOINT) != pages:
            dbapi_connection.execute(f"PRAGMA wal_autocheckpoint = {pages}")
            record.info["wal_autocheckpoint"] = pages


def _ended(dbapi_connection: Any, _record: Any) -> None:
    global _last_end
    if getattr(_background, "active", False) and isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.set_progress_handler(None, 0)  # the next user may be the cashier
        return
    if _foreground(dbapi_connection):
        with _lock:
            opened = _open.get(threading.get_ident())
            if opened:
                opened.pop()
            _last_end = time.monotonic()
