"""A round of the central server's background work, run on a thread of its own every so many
seconds while the app's lifespan (uvicorn's) runs, and stopped with it: the plan round, the
recovery feed, the payment links' closing. A failing round is logged; the next one tries again."""

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable

from fastapi import FastAPI

log = logging.getLogger(__name__)
STOP_WAIT_S = 30  # a round under way when the server stops: waited for this long at most


def run_rounds(
    app: FastAPI,
    name: str,
    interval: float,
    round_once: Callable[[], object],
    *,
    first_at_start: bool = False,
) -> None:
    """`round_once` every `interval` seconds (none when it is 0 or less). The first waits one
    interval unless `first_at_start`: a server started often (a test, an upgrade) does not
    call gateways or scan everything at every start."""
    if interval <= 0:
        return
    previous = app.router.lifespan_context

    def rounds(stop: threading.Event) -> None:
        if first_at_start:
            _guarded(name, round_once)
        while not stop.wait(interval):
            _guarded(name, round_once)

    @contextlib.asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[object]:
        stop = threading.Event()
        loop = threading.Thread(target=rounds, args=(stop,), daemon=True, name=name)
        loop.start()
        try:
            async with previous(application) as state:
                yield state
        finally:
            stop.set()
            await asyncio.to_thread(loop.join, STOP_WAIT_S)

    app.router.lifespan_context = lifespan  # type: ignore[assignment]  # wraps, yields its state


def _guarded(name: str, round_once: Callable[[], object]) -> None:
    try:
        round_once()
    except Exception:  # a database or gateway that is down: the next round tries again
        log.exception("%s round failed", name)
