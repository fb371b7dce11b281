"""Run service calls off the GUI thread: one writer thread, a small pool for reads.

`ServiceOp(parent, fn).success(cb).failure(cb).run()` - the callbacks run on the GUI
thread, through Qt signals. A result carrying `changes` is announced on `hub.changed`
so every screen that shows those areas refreshes.
"""

import itertools
import logging
from collections.abc import Callable
from typing import Any, Self

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from app.domain.errors import UserCancelled, UserFacingError

log = logging.getLogger(__name__)


class ChangeHub(QObject):
    """The one place that says which areas of data changed: payments, consumers, kpis..."""

    changed = Signal(frozenset)
    unexpected_error = Signal(object)  # an exception nobody expected: the crash dialog


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
    return _dispatcher


class _Job(QRunnable):
    def __init__(self, number: int, fn: Callable[[], Any], dispatcher: _Dispatcher) -> None:
        super().__init__()
        self._number = number
        self._fn = fn
        self._dispatcher = dispatcher
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as error:  # every failure goes back to the GUI
            self._dispatcher.failed.emit(self._number, error)
        else:
            self._dispatcher.done.emit(self._number, result)


class ServiceOp(QObject):
    """One service call for one screen. Keep a reference only as long as the parent lives."""

    def __init__(
        self, parent: QObject, fn: Callable[[], Any], *, read: bool = False, lane: str = ""
    ) -> None:
        super().__init__(parent)
        self.fn = fn
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
        pool(self._lane).start(_Job(number, self.fn, dispatcher))

    def deliver(self, result: Any) -> None:
        try:
            changes = getattr(result, "changes", None)
            if self._on_success is not None:
                self._on_success(result)
            if changes:
                hub.changed.emit(frozenset(changes))
        finally:
            self.deleteLater()

    def fail(self, error: BaseException) -> None:
        try:
            if isinstance(error, UserCancelled):
                return
            if isinstance(error, UserFacingError):
                if self._on_failure is not None:
                    self._on_failure(error)
                else:
                    hub.unexpected_error.emit(error)
                return
            log.error("unexpected error in a service call", exc_info=error)
            hub.unexpected_error.emit(error)
        finally:
            self.deleteLater()
