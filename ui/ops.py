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


def _writer_pool() -> QThreadPool:
    pool = QThreadPool()
    pool.setMaxThreadCount(1)  # the single writer: units of work never race each other
    pool.setExpiryTimeout(-1)
    return pool


def _reader_pool() -> QThreadPool:
    pool = QThreadPool()
    pool.setMaxThreadCount(2)
    return pool


_pools: dict[str, QThreadPool] = {}


def pool(kind: str) -> QThreadPool:
    if kind not in _pools:
        _pools[kind] = _writer_pool() if kind == "write" else _reader_pool()
    return _pools[kind]


def wait_for_all(timeout_ms: int = 10_000) -> None:
    """Let queued work finish (on quit, and in tests)."""
    for p in _pools.values():
        p.waitForDone(timeout_ms)


class _Job(QRunnable):
    def __init__(self, op: "ServiceOp") -> None:
        super().__init__()
        self._op = op
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self._op.fn()
        except BaseException as error:  # every failure goes back to the GUI
            self._op.failed_signal.emit(error)
        else:
            self._op.done_signal.emit(result)


class ServiceOp(QObject):
    """One service call for one screen. Keep a reference only as long as the parent lives."""

    done_signal = Signal(object)
    failed_signal = Signal(object)

    def __init__(self, parent: QObject, fn: Callable[[], Any], *, read: bool = False) -> None:
        super().__init__(parent)
        self.fn = fn
        self._read = read
        self._on_success: Callable[[Any], None] | None = None
        self._on_failure: Callable[[UserFacingError], None] | None = None
        self.done_signal.connect(self._done)
        self.failed_signal.connect(self._failed)

    def success(self, callback: Callable[[Any], None]) -> Self:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[UserFacingError], None]) -> Self:
        """Called for rule violations only; anything unexpected opens the crash dialog."""
        self._on_failure = callback
        return self

    def run(self) -> None:
        pool("read" if self._read else "write").start(_Job(self))

    @Slot(object)
    def _done(self, result: Any) -> None:
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
