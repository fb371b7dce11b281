"""The background sync's WAL upkeep, done on the sync's thread after its writer let go.

SQLite checkpoints inside the COMMIT call that crosses wal_autocheckpoint pages: the lock is
free by then, but the sync's writer is not checked in, and a cashier arriving waited 10-25 ms
for the copy. So while a sync runs no commit checkpoints (sync.client.courtesy sets
wal_autocheckpoint=0 on every connection), and after each checkin of the sync's writer:

* `flush` writes the WAL to disk. A first load or a catch-up commits with synchronous=NORMAL,
  which leaves its pages in the OS's cache, and the cashier's next commit (FULL: an fsync of
  the same WAL file) had to write them all first - 10-15 ms of someone else's data. Done here,
  it runs while she is still in her statements.
* `tidy` copies the WAL into the database file (a PASSIVE checkpoint) at most every
  TIDY_EVERY_S, and only when the cashier is quiet. A cashier who comes in meanwhile stops it
  (`interrupt`: SQLite stops copying at once and the WAL keeps every page). One put off for
  TIDY_MOST_S runs to the end whatever she does, so the WAL cannot grow without bound.
  (Checkpointing on a timer whatever she did, tried first, overlapped her commits: her fsync
  p95 went from 3 to 17 ms.)

Durability is unchanged: the cashier's commits are synchronous=FULL, and a checkpoint only
copies what the WAL already holds.
"""

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, MutableMapping
from typing import Any

log = logging.getLogger(__name__)

TIDY_EVERY_S = 0.5  # the sync's own WAL checkpoints: at most this often
TIDY_MOST_S = 5.0  # put off (the cashier busy, or interrupting) at most this long

WAL_PATH_KEY = "tilldesk_database_path"  # in the pool record's info

_lock = threading.Lock()
_tidying: sqlite3.Connection | None = None  # copying the WAL now: the cashier may stop it
_last_tidy = 0.0  # when the last checkpoint ran to the end (or a sync started)
_last_try = 0.0


def restart() -> None:
    """A sync starts: its first checkpoint is due TIDY_MOST_S from now at the latest."""
    global _last_tidy
    _last_tidy = max(_last_tidy, time.monotonic())


def flush(dbapi_connection: sqlite3.Connection, info: MutableMapping[str, Any]) -> None:
    """Write the WAL of this connection's database to disk (fdatasync). `info` is the pool's
    record of the connection: the database's path is asked once and kept there."""
    if not hasattr(os, "fdatasync"):  # not on Windows or macOS: her commit writes them there
        return
    path = info.get(WAL_PATH_KEY)
    if path is None:
        path = info[WAL_PATH_KEY] = dbapi_connection.execute("PRAGMA database_list").fetchone()[2]
    try:
        fd = os.open(f"{path}-wal", os.O_RDONLY)
    except OSError:  # no WAL (in memory, or a rollback journal): nothing to write
        return
    try:
        os.fdatasync(fd)
    finally:
        os.close(fd)


def tidy(dbapi_connection: sqlite3.Connection, *, quiet: Callable[[], bool]) -> str | None:
    """Checkpoint when one is due and the cashier is `quiet()` (or it is overdue): "done",
    "interrupted", or None when nothing was tried."""
    global _tidying, _last_tidy, _last_try
    now = time.monotonic()
    if now - _last_try < TIDY_EVERY_S:
        return None
    _last_try = now
    overdue = now - _last_tidy >= TIDY_MOST_S
    with _lock:
        _tidying = None if overdue else dbapi_connection
    # Asked after registering: a cashier coming in from here on interrupts the copy.
    if not overdue and not quiet():
        with _lock:
            _tidying = None
        return None
    try:
        dbapi_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        _last_tidy = time.monotonic()
        return "done"
    except sqlite3.OperationalError as error:  # interrupted: the WAL still holds every page
        log.debug("sync checkpoint put off: %s", error)
        return "interrupted"
    finally:
        with _lock:
            _tidying = None


def interrupt() -> None:
    """The cashier checks a connection out: stop a checkpoint that is copying (thread-safe:
    sqlite3_interrupt is meant to be called from another thread)."""
    with _lock:
        if _tidying is not None:
            _tidying.interrupt()
