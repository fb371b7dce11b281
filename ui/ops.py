"""Run service calls off the GUI thread: one writer thread, a small pool for reads.

`WriteOp(parent, context, lambda uow: use_case(uow, ...)).success(cb).failure(cb).run()`
hands the use case a unit of work opened for it on the writer thread, `ReadOp` a read unit
on the read pool (Anki's CollectionOp/QueryOp): screens never build one themselves.
`ServiceOp(parent, fn)` runs any other call (a printer, the sync client). The callbacks run
on the GUI thread, through Qt signals. A result carrying `changes` (a set of
`app.domain.changes.Area`) is announced on `hub.changed` so every screen that shows those
areas refreshes; a `UserFacingError` with no failure handler is announced on `hub.refused`.
"""

from __future__ import annotations

import gc
import itertools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from app.domain.changes import Area
from app.domain.errors import UserCancelled, UserFacingError
from ui.context import ClientContext

if TYPE_CHECKING:  # the sign-in screen is shown before SQLAlchemy loads (ui/app.py)
    from app.services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


class ChangeHub(QObject):
    """The one place that says which areas of data changed: payments, consumers, kpis..."""

    changed = Signal(frozenset)  # of Area
    unexpected_error = Signal(object)  # an exception nobody expected: the crash dialog
    refused = Signal(object)  # a rule said no and the screen set no handler: its message


hub = ChangeHub()


# write: the single writer, so units of work never race each other; read: quick queries;
# print: talking to a printer can take seconds and must not hold up payments.
_THREADS = {"write": 1, "read": 2, "print": 1}
_pools: dict[str, QThreadPool] = {}


def pool(kind: str) -> QThreadPool:
    if kind not in _pools:
        made = QThreadPool()
        made.setMaxThreadCount(_THREADS[kind])
        _pools[kind] = made
    return _pools[kind]


def wait_for_all(timeout_ms: int = 10_000) -> None:
    """Let queued work finish (on quit, and in tests)."""
    for p in _pools.values():
        p.waitForDone(timeout_ms)


def shut_down(timeout_ms: int = 10_000) -> None:
    """Finish queued work and drop the pools, so no pool thread outlives the interpreter."""
    wait_for_all(timeout_ms)
    _pools.clear()
    if _dispatcher is not None:
        _dispatcher.garbage.stop()  # no pool thread left: the collector may run anywhere again


GC_INTERVAL_MS = 1_000


class _GuiThreadGarbage(QObject):
    """Python's cycle collector, run on the GUI thread only, on a timer.

    Left automatic, it runs on whichever thread happens to allocate - mostly the pool
    threads, which allocate the most. A cycle holding a parentless widget (a test's screen,
    a dialog) freed there deletes the widget off the GUI thread: a segfault or a deadlock on
    Qt's locks. pyqtgraph's GarbageCollector does the same.
    """

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self, interval=GC_INTERVAL_MS)
        self._timer.timeout.connect(self.collect)

    def start(self) -> None:
        if not self._timer.isActive():
            gc.disable()
            self._timer.start()

    def collect(self) -> None:
        """Each generation when it is due, as the automatic collector would."""
        counts = gc.get_count()
        for generation in range(3):
            if counts[generation] <= self._thresholds[generation]:
                break
            gc.collect(generation)

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()


class _Dispatcher(QObject):
    """The one object workers emit on; it lives in the GUI thread for the whole run.

    Workers never touch a screen's objects: they report (op number, result) here, and the
    answer is handed to its ServiceOp only if that op (and so its screen) still exists.
    """

    done = Signal(int, object)
    failed = Signal(int, object)

    def __init__(self) -> None:
        super().__init__()
        self.ops: dict[int, ServiceOp] = {}
        self.garbage = _GuiThreadGarbage(self)
        self.done.connect(self.on_done)
        self.failed.connect(self.on_failed)

    @Slot(int, object)
    def on_done(self, number: int, result: Any) -> None:
        op = self.ops.pop(number, None)
        if op is not None and shiboken6.isValid(op):
            op.deliver(result)

    @Slot(int, object)
    def on_failed(self, number: int, error: BaseException) -> None:
        op = self.ops.pop(number, None)
        if op is not None and shiboken6.isValid(op):
            op.fail(error)


_dispatcher: _Dispatcher | None = None
_numbers = itertools.count(1)


def _dispatch() -> _Dispatcher:
    global _dispatcher
    if _dispatcher is None:
        _dispatcher = _Dispatcher()  # first use is on the GUI thread
    _dispatcher.garbage.start()  # pool threads are about to run: collect here only
    return _dispatcher


def freeze_long_lived() -> None:
    """Once the start-up's imports are done: what is alive now (modules, classes, the window)
    lives as long as the process, so the collector's full passes skip it from now on. On the
    client's file a full pass over it took about 140 ms of the GUI thread, every time the
    timer above found one due; after this, a few milliseconds. (A background sync's end
    unfreezes everything again: sync/client/sync_thread.py.)"""
    gc.freeze()


def collect_on_gui_thread() -> None:
    """Before a thread of one's own starts (the start-up's warm-up): from now on the cycle
    collector runs on the GUI thread only, as it does once the first op has run."""
    _dispatch()


class _Job(QRunnable):
    def __init__(self, number: int, fn: Callable[[], Any], dispatcher: _Dispatcher) -> None:
        super().__init__()
        self._number = number
        self._fn: Callable[[], Any] | None = fn
        self._dispatcher = dispatcher
        self.setAutoDelete(True)

    def run(self) -> None:
        # Let go of the call before reporting, so the GUI thread always holds the last
        # reference to whatever it captured: a screen must never be freed on a pool thread.
        fn, self._fn = self._fn, None
        assert fn is not None
        try:
            result = fn()
        except BaseException as error:  # every failure goes back to the GUI
            del fn
            self._dispatcher.failed.emit(self._number, error)
        else:
            del fn
            self._dispatcher.done.emit(self._number, result)


class ServiceOp(QObject):
    """One service call for one screen. Keep a reference only as long as the parent lives."""

    def __init__(
        self, parent: QObject, fn: Callable[[], Any], *, read: bool = False, lane: str = ""
    ) -> None:
        super().__init__(parent)
        self.fn: Callable[[], Any] | None = fn
        self._lane = lane or ("read" if read else "write")
        self._on_success: Callable[[Any], None] | None = None
        self._on_failure: Callable[[UserFacingError], None] | None = None

    def success(self, callback: Callable[[Any], None]) -> Self:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[UserFacingError], None]) -> Self:
        """Called for rule violations only; anything unexpected opens the crash dialog."""
        self._on_failure = callback
        return self

    def run(self) -> None:
        dispatcher = _dispatch()
        number = next(_numbers)
        dispatcher.ops[number] = self
        assert self.fn is not None, "an op runs once"
        pool(self._lane).start(_Job(number, self.fn, dispatcher))

    def deliver(self, result: Any) -> None:
        try:
            changes = announced_areas(result)
            if self._on_success is not None:
                self._on_success(result)
            if changes:
                hub.changed.emit(changes)
        finally:
            self._finish()

    def fail(self, error: BaseException) -> None:
        try:
            if isinstance(error, UserCancelled):
                return
            if isinstance(error, UserFacingError):
                if self._on_failure is not None:
                    self._on_failure(error)
                else:  # a rule's message is for the person, never the crash dialog
                    hub.refused.emit(error)
                return
            log.error("unexpected error in a service call", exc_info=error)
            hub.unexpected_error.emit(error)
        finally:
            self._finish()

    def _finish(self) -> None:
        """Drop the callbacks now, in Python, and only then let Qt delete the op.

        The callbacks are the screen's own methods and lambdas, and can hold the last
        reference to a screen nobody else keeps (a parentless widget, as tests make). Were
        they dropped inside the op's C++ destructor, the screen would be deleted from there
        and delete the op, its child, a second time: a segfault in QObject::~QObject. Dropped
        here, such a screen goes at once and takes the op with it; otherwise the op goes
        later holding nothing.
        """
        self.fn = self._on_success = self._on_failure = None
        if shiboken6.isValid(self):  # not deleted just now along with its screen
            self.deleteLater()


class WriteOp(ServiceOp):
    """A use case that writes, handed a fresh unit of work on the single writer thread:
    `WriteOp(self, context, lambda uow: void_payment(uow, receipt=...))`."""

    def __init__(
        self, parent: QObject, context: ClientContext, fn: Callable[[UnitOfWork], Any]
    ) -> None:
        counter = context.counter  # captured here: the lambda runs on a pool thread
        super().__init__(parent, lambda: fn(counter.write()))


class ReadOp(ServiceOp):
    """A query, handed a read-only unit of work on the read pool:
    `ReadOp(self, context, lambda uow: payment_details(uow, number))`."""

    def __init__(
        self, parent: QObject, context: ClientContext, fn: Callable[[UnitOfWork], Any]
    ) -> None:
        counter = context.counter
        super().__init__(parent, lambda: fn(counter.read()), read=True)


def announced_areas(result: Any) -> frozenset[Area]:
    """The areas a result says it changed, as members (an area written as a plain string
    still counts). Results whose `changes` is something else (a count) announce nothing."""
    changes = getattr(result, "changes", None)
    if not isinstance(changes, set | frozenset):
        return frozenset()
    unknown = {str(area) for area in changes} - _AREAS
    if unknown:  # a new area nobody added to Area yet: still announced, but say so
        log.warning("changed areas missing from app.domain.changes.Area: %s", sorted(unknown))
    return frozenset(Area(a) if a in _AREAS else a for a in changes)


_AREAS = frozenset(a.value for a in Area)
