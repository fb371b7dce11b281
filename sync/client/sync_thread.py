"""The process while a background sync runs beside the cashier: the GIL changes hands
quickly, the sync's threads run at a lower CPU priority, and the collector leaves the
application's long-lived objects alone.

* The GIL changes hands every SWITCH_S instead of Python's 5 ms: the cashier's thread releases
  it at every SQLite call, and each time it wants it back from a thread busy in Python it waits
  up to the interval. Threads that do not compete never switch.
* The sync's threads run at nice +SYNC_NICE (Linux: per thread), so a cashier who wakes up takes
  a core from them rather than queueing behind them. The price, seen only when other programs
  keep both cores busy: a sync that must let go of the lock for her waits longer for a core.
* What is alive when the first sync starts - the application, its screens and caches - is
  frozen out of the cyclic collector (gc.freeze). A full collection holds the GIL for all its
  length, on whichever thread allocated last: measured during `tilldesk bench --sync`, 28 of
  them took 230-410 ms each, and a payment that met one waited for all of it. The objects of
  the sync's pages and the cashier's payments are collected as before. Reference counting
  still frees the frozen objects; only cycles among them wait until the last sync ends.
"""

import contextlib
import gc
import logging
import os
import sys
import threading

log = logging.getLogger(__name__)

SWITCH_S = 0.0001  # the GIL's switch interval while a background sync runs
SYNC_NICE = 10  # added to the sync threads' CPU niceness (Linux: per thread)

_lock = threading.Lock()
# One entry per background sync running: the switch interval before it started.
_intervals: list[float] = []


def running() -> bool:
    """Whether any background sync runs in this process."""
    return bool(_intervals)


def enter() -> None:
    """A background sync starts (they may nest or overlap)."""
    with _lock:
        if not _intervals:
            gc.freeze()
        _intervals.append(sys.getswitchinterval())
        sys.setswitchinterval(min(SWITCH_S, _intervals[0]))


def leave() -> None:
    """A background sync ended; the last one puts everything back."""
    with _lock:
        if _intervals:
            first = _intervals[0]
            _intervals.pop()
            if not _intervals:
                sys.setswitchinterval(first)
                gc.unfreeze()


def lower_priority() -> int | None:
    """This thread's niceness before (threads it starts inherit the new one), or None where
    a thread's priority cannot be set."""
    if not hasattr(os, "setpriority") or not sys.platform.startswith("linux"):
        return None
    thread = threading.get_native_id()
    try:
        before = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(19, before + SYNC_NICE))
    except OSError as error:
        log.debug("sync thread priority left as it is: %s", error)
        return None
    return before


def restore_priority(before: int | None) -> None:
    if before is None:
        return
    # Lowering niceness again needs a privilege most users lack: the thread then stays nicer.
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), before)
