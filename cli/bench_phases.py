"""Where a write transaction's time goes, for `tilldesk bench --sync`: waiting for the write
lock (from taking the writer connection to BEGIN IMMEDIATE done), the work inside (statements
and the Python between them), and the durable COMMIT."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

from app.demo.benchmark import percentile


class _Phases:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.thread = threading.get_ident()
        self.lock_wait: list[float] = []
        self.work: list[float] = []
        self.commit: list[float] = []
        self._marks: dict[str, float] = {}

    def _mine(self) -> bool:
        return threading.get_ident() == self.thread

    def checkout(self, *_args: Any) -> None:
        if self._mine():
            self._marks = {"checkout": time.perf_counter()}

    def begin(self, *_args: Any) -> None:  # after app.db.engine's BEGIN IMMEDIATE
        if self._mine() and "checkout" in self._marks:
            self._marks["locked"] = time.perf_counter()

    def committing(self, *_args: Any) -> None:
        if self._mine() and "locked" in self._marks:
            self._marks["commit"] = time.perf_counter()

    def checkin(self, *_args: Any) -> None:
        marks = self._marks
        if not self._mine() or "commit" not in marks:
            return
        self.lock_wait.append(marks["locked"] - marks["checkout"])
        self.work.append(marks["commit"] - marks["locked"])
        self.commit.append(time.perf_counter() - marks["commit"])
        self._marks = {}

    def figures(self) -> dict[str, dict[str, float]]:
        return {
            name: {
                "p50": round(percentile(spent, 50) * 1000, 2),
                "p95": round(percentile(spent, 95) * 1000, 2),
                "max": round(max(spent) * 1000, 2),
            }
            for name, spent in (
                ("lock_wait", self.lock_wait),
                ("statements", self.work),
                ("commit", self.commit),
            )
            if spent
        }


@contextmanager
def write_phases(engine: Engine) -> Iterator[_Phases]:
    """Times this thread's committed transactions on `engine` while the body runs."""
    phases = _Phases(engine)
    hooks = (
        ("checkout", phases.checkout),
        ("begin", phases.begin),
        ("commit", phases.committing),
        ("checkin", phases.checkin),
    )
    for name, hook in hooks:
        event.listen(engine, name, hook)
    try:
        yield phases
    finally:
        for name, hook in hooks:
            event.remove(engine, name, hook)
