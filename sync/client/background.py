"""Sync in the background of the desktop client: its own connection to the same file, a
thread that pushes and pulls on an interval, stopped when the window closes. The window only
reads the status the runner leaves in sync_state (app.services.sync_status)."""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from app.db.database import Database, open_database
from app.domain.progress import no_progress
from sync.client.load_progress import LoadStatus, LoadTracker
from sync.client.runner import DEFAULT_INTERVAL_S, SyncRunner

log = logging.getLogger(__name__)

# Each page is one write transaction, and one the cashier's payment may have to wait for: it
# must fit between two of the cashier's actions. 1,000 changes took longer than that on a busy
# counter, so the sync was stopped and redone again and again until, after courtesy.MOST_S, it
# ran to the end while a payment waited (p95 0.7 s during a 200,000-change pull, load 10).
CLIENT_PAGE = 200


def _registered(db: Database) -> bool:
    with db.read() as uow:
        return bool(uow.sync_state.server_url())


@contextmanager
def background_sync(
    db_path: Path,
    interval_s: float = DEFAULT_INTERVAL_S,
    *,
    on_load: Callable[[LoadStatus | None], None] | None = None,
) -> Iterator[None]:
    """Run the body with a SyncRunner thread beside it (only if this counter is registered).
    `on_load` hears how a big pull (the first load) is going, on the sync thread, and None
    once it ended.

    A separate Database (engine) keeps the runner's transactions from ever queueing behind the
    window's single writer connection; SQLite's own locking orders the two."""
    db = open_database(db_path)
    tracker = LoadTracker(on_load) if on_load is not None else None
    runner = (
        SyncRunner(
            db,
            interval_s=interval_s,
            page_size=CLIENT_PAGE,
            progress=tracker or no_progress,
            on_result=(lambda _result: tracker.finish()) if tracker else None,
        )
        if _registered(db)
        else None
    )
    thread = runner.start_thread() if runner else None
    try:
        yield
    finally:
        if runner is not None and thread is not None:
            runner.stop()
            thread.join(timeout=30)
            if thread.is_alive():
                log.warning("sync was still busy when the client closed; it resumes next start")
        db.close()
