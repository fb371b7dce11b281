"""Progress of long commands (demo, bench, server demo): a bar with counts and time left on a
terminal, a plain line now and then when the output goes to a file, nothing with --json."""

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from app.domain.progress import Progress, no_progress

PLAIN_EVERY_S = 5.0  # a log file gets a line this often, and at each stage's end


@contextmanager
def progress_for(quiet: bool, stream: TextIO | None = None) -> Iterator[Progress]:
    """The progress reporter for a command: shown on stderr, so stdout stays the result."""
    out = stream or sys.stderr
    if quiet:
        yield no_progress
    elif out.isatty():
        with _bar(out) as report:
            yield report
    else:
        yield _PlainLines(out)


@contextmanager
def _bar(out: TextIO) -> Iterator[Progress]:
    # rich is imported only when a bar is drawn: every other command starts without it.
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as RichProgress

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )
    with RichProgress(*columns, console=Console(file=out), transient=False) as bar:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int | None = None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield report


class _PlainLines:
    """ "Loading consumers: 412,000 of 1,000,000 (41 %)" at most every few seconds."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.last: dict[str, float] = {}

    def __call__(self, stage: str, done: int, total: int | None = None) -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        if not finished and now - self.last.get(stage, 0.0) < PLAIN_EVERY_S:
            return
        self.last[stage] = now
        if total:
            line = f"{stage}: {done:,} of {total:,} ({100 * done // total} %)"
        elif done:
            line = f"{stage}: {done:,}"
        else:
            line = f"{stage}…"
        print(line, file=self.out, flush=True)
