"""Run service calls off the GUI thread: one writer thread, a small pool for reads.

`ServiceOp(parent, fn).success(cb).failure(cb).run()` - the callbacks run on the GUI
thread, through Qt signals. A result carrying `changes` is announced on `hub.changed`
so every screen that shows those areas refreshes.
"""

import logging
from collections.abc import Callable
from typing import Any, Self

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


class _Carrier(QObject):
    """Carries one result from a worker to the GUI thread.

    It has no parent, so it outlives a screen closed while its work runs: the answer is then
    simply dropped (the connection to the deleted ServiceOp is gone) instead of being emitted
    on a deleted object.
    """

    done = Signal(object)
    failed = Signal(object)


_in_flight: set[_Carrier] = set()


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], carrier: _Carrier) -> None:
        super().__init__()
        self._fn = fn
        self._carrier = carrier
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as error:  # every failure goes back to the GUI
            self._carrier.failed.emit(error)
        else:
            self._carrier.done.emit(result)


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
        self._carrier = _Carrier()
        self._carrier.done.connect(self._done)
        self._carrier.failed.connect(self._failed)

    def success(self, callback: Callable[[Any], None]) -> Self:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[UserFacingError], None]) -> Self:
        """Called for rule violations only; anything unexpected opens the crash dialog."""
        self._on_failure = callback
        return self

    def run(self) -> None:
        _in_flight.add(self._carrier)
        pool(self._lane).start(_Job(self.fn, self._carrier))

    @Slot(object)
    def _done(self, result: Any) -> None:
        _in_flight.discard(self._carrier)
        try:
            changes = getattr(result, "changes", None)
            if self._on_success is not None:
                self._on_success(result)
            if changes:
                hub.changed.emit(frozenset(changes))
        finally:
            self.deleteLater()

    @Slot(object)
    def _failed(self, error: BaseException) -> None:
        _in_flight.discard(self._carrier)
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
