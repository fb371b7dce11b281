"""How far a big pull (a new counter's first load) is, for people: counts per kind of record
from the server's totals, and an estimate of the time left. Qt-free: the CLI draws a bar from
the same reports, and the client turns LoadStatus into a signal for its status bar."""

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from operator import attrgetter

from app.domain.progress import Progress
from sync.protocol import Change

SHOWN_FROM = 1_000  # a pull of fewer changes is routine: nobody needs a bar for it
# Stage names in the order the feed brings them; others are counted under "other records".
LABELS = {
    "consumer": "consumers",
    "bill": "bills",
    "service_charge": "service charges",
    "payment_plan": "payment plans",
    "installment": "installments",
    "user": "users",
    "payment": "payments",
    "credit_note": "credit notes",
}
OTHER = "other records"
_ENTITY = attrgetter("entity")


def stage_of(entity: str) -> str:
    return f"Loading {LABELS.get(entity, OTHER)}"


class PullProgress:
    """Counts the changes a pull has applied per stage and reports them (done only grows, and
    ends at the total: a change that arrived after the totals were counted raises the total)."""

    def __init__(self, report: Progress) -> None:
        self.report = report
        self.totals: dict[str, int] = {}
        self.done: dict[str, int] = {}
        self.shown = False

    def start(self, totals: Mapping[str, int]) -> None:
        self.totals, self.done = {}, {}
        for entity, count in totals.items():
            stage = stage_of(entity)
            self.totals[stage] = self.totals.get(stage, 0) + count
        self.shown = sum(self.totals.values()) >= SHOWN_FROM
        for stage, total in self._ordered(self.totals):
            self.done[stage] = 0
            if self.shown:
                self.report(stage, 0, total)

    def add(self, changes: Iterable[Change]) -> None:
        counted: dict[str, int] = {}
        # Counted by entity in C (a first load's page holds 50,000 changes), then by stage.
        for entity, count in Counter(map(_ENTITY, changes)).items():
            stage = stage_of(entity)
            counted[stage] = counted.get(stage, 0) + count
        for stage, count in counted.items():
            done = self.done[stage] = self.done.get(stage, 0) + count
            total = self.totals[stage] = max(self.totals.get(stage, 0), done)
            if self.shown:
                self.report(stage, done, total)

    def finish(self) -> None:
        """A pull that ended: every stage shown as complete (nothing more is coming)."""
        if not self.shown:
            return
        for stage, done in self._ordered(self.done):
            if done < self.totals.get(stage, 0):
                self.totals[stage] = done
                self.report(stage, done, done)

    @staticmethod
    def _ordered(counts: Mapping[str, int]) -> list[tuple[str, int]]:
        order = [stage_of(entity) for entity in LABELS] + [stage_of(OTHER)]
        return sorted(counts.items(), key=lambda item: order.index(item[0]))


@dataclass(frozen=True)
class LoadStatus:
    """What the client shows while a big pull runs."""

    stage: str  # "Loading consumers"
    done: int
    total: int
    seconds_left: float | None  # for the whole load; None until the rate is known

    @property
    def text(self) -> str:
        """ "Loading consumers 412,000 of 1,000,000 - about 2 min left" """
        line = f"{self.stage} {self.done:,} of {self.total:,}"
        return f"{line} - {time_left(self.seconds_left)}" if self.seconds_left is not None else line


def time_left(seconds: float) -> str:
    if seconds < 60:
        return "less than a minute left"
    minutes = round(seconds / 60)
    return f"about {minutes} min left"


class LoadTracker:
    """A Progress that turns a pull's reports into LoadStatus for `on_status`; `finish()` (the
    sync ended, however) reports None. Called on the sync thread: `on_status` must hand over to
    its own thread (a Qt signal does)."""

    def __init__(
        self,
        on_status: Callable[[LoadStatus | None], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.on_status = on_status
        self.clock = clock
        self._lock = threading.Lock()
        self._stages: dict[str, tuple[int, int]] = {}
        self._started: float | None = None
        self._current: LoadStatus | None = None

    @property
    def current(self) -> LoadStatus | None:
        return self._current

    def __call__(self, stage: str, done: int, total: int | None = None) -> None:
        with self._lock:
            if self._started is None:
                self._started = self.clock()
            self._stages[stage] = (done, total if total is not None else done)
            all_done = sum(d for d, _ in self._stages.values())
            all_total = sum(t for _, t in self._stages.values())
            status: LoadStatus | None = LoadStatus(
                stage, done, total or done, self._left(all_done, all_total)
            )
            if all_done >= all_total:
                status = None  # everything arrived: the counter is ready
                self._reset()
            self._current = status
        self.on_status(status)

    def _left(self, done: int, total: int) -> float | None:
        elapsed = self.clock() - (self._started or 0.0)
        if done <= 0 or elapsed < 1.0:
            return None
        return (total - done) * elapsed / done

    def _reset(self) -> None:
        self._stages, self._started = {}, None

    def finish(self) -> None:
        with self._lock:
            was = self._current
            self._reset()
            self._current = None
        if was is not None:
            self.on_status(None)
