"""Pull: the server's change feed from our cursor, page by page; each page, its quarantined
changes and its cursor in one SQLite transaction, so a counter killed mid-pull resumes exactly
where it stopped, and a change it cannot apply never holds the cursor back.

The next page is fetched while this one is applied (the server and the counter work at the
same time), a new counter's first load goes at bulk speed (sync.client.first_load), and so
does a counter far behind (sync.client.catch_up). The first page carries the server's count of
what follows, so progress reports are real counts and the catch-up is decided on them."""

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from app.db.database import Database
from app.domain.progress import Progress, no_progress
from sync.client import catch_up, courtesy, first_load, quarantine, state
from sync.client.apply import Applied, apply_changes
from sync.client.http import ServerClient
from sync.client.load_progress import PullProgress
from sync.protocol import MAX_BULK_PULL_PAGE, MAX_PULL_PAGE, PullResponse


@dataclass(frozen=True)
class PullSummary:
    pages: int = 0
    changes: int = 0
    cursor: int = 0
    server_time: datetime | None = None
    epoch_changed: bool = False
    quarantined: int = 0  # changes set aside by this pull (new, or failing again on retry)
    released: int = 0  # quarantined changes that applied at last


def pull_all(
    db: Database,
    client: ServerClient,
    *,
    page_size: int = MAX_PULL_PAGE,
    app_version: str | None = None,
    progress: Progress = no_progress,
) -> PullSummary:
    version = app_version or quarantine.running_version()
    pages = changes = quarantined = released = 0
    epoch_changed = False
    just_failed: set[tuple[str, str]] = set()  # not retried again in this same sync
    counted = PullProgress(progress)
    bulk: bool | None = None  # decided at the first page: a first load, or not
    behind = False  # not a first load, but far behind: reference rows merged in bulk

    with ThreadPoolExecutor(1, thread_name_prefix="tilldesk-pull") as fetcher:

        def fetch(cursor: int, *, totals: bool = False) -> "Future[PullResponse]":
            # A first load takes the largest pages: nobody is waiting on data it has not got.
            # The page is parsed on the fetcher's thread too: measured at 150,000 consumers,
            # that overlap beats parsing here (24 s against 27 s), GIL hand-overs included.
            size = MAX_BULK_PULL_PAGE if bulk else page_size
            return fetcher.submit(courtesy.beside(_fetch), client, cursor, size, totals)

        cursor = state.connection(db).cursor
        ahead: Future[PullResponse] | None = fetch(cursor, totals=True)
        try:
            while ahead is not None:
                page = ahead.result()
                if page.totals is not None:
                    counted.start(page.totals)
                if state.adopt_epoch(db, page.epoch):
                    # A restored server: its seqs mean something else now. Start again from 0.
                    epoch_changed = True
                    cursor, ahead = 0, fetch(0, totals=True)
                    continue
                if bulk is None:
                    bulk = first_load.start(db, cursor)
                    behind = not bulk and catch_up.far_behind(page.totals)
                    if behind:
                        catch_up.start(db)
                more = page.has_more and page.next_cursor > cursor
                ahead = fetch(page.next_cursor) if more else None  # comes while this applies
                # On the client's sync thread the cashier goes first (sync.client.courtesy).
                mode = "first_load" if bulk else "catch_up" if behind else "normal"
                outcome = courtesy.preemptible(_apply_page, db, page, cursor, version, mode=mode)
                if outcome.moved_to is not None:  # another sync process moved on meanwhile
                    if ahead is not None:
                        ahead.cancel()
                    cursor, ahead = outcome.moved_to, fetch(outcome.moved_to)
                    continue
                changes += outcome.applied.count
                quarantined += len(outcome.applied.failures)
                released += outcome.released
                just_failed.update(
                    (f.change.entity, f.change.key) for f in outcome.applied.failures
                )
                counted.add(page.changes)
                pages += 1
                cursor = max(page.next_cursor, cursor)
        finally:
            if bulk:
                first_load.finish(db)
            elif behind:
                catch_up.finish(db)
    counted.finish()
    retried = quarantine.retry_due(db, version, pulled_something=changes > 0, skip=just_failed)
    released += len(retried.settled)
    return PullSummary(
        pages,
        changes + retried.count,
        page.next_cursor,
        page.server_time,
        epoch_changed,
        quarantined + len(retried.failures),
        released,
    )


def _fetch(client: ServerClient, cursor: int, size: int, totals: bool) -> PullResponse:
    body = client.pull_body(cursor, size, totals=totals)
    # Parsing holds the GIL for the whole page: on the client's sync, not while the cashier
    # is recording (her every SQLite call would wait for it).
    courtesy.pause()
    return client.parse_pull(body)


@dataclass(frozen=True)
class _PageOutcome:
    applied: Applied = field(default_factory=Applied)
    released: int = 0
    moved_to: int | None = None  # the cursor was not ours any more: nothing applied


def _apply_page(
    db: Database, page: PullResponse, cursor: int, version: str, *, mode: str
) -> _PageOutcome:
    with db.unit_of_work() as uow:
        row = state.state_row(uow)
        if row.cursor != cursor or row.epoch != page.epoch:
            return _PageOutcome(moved_to=row.cursor)
        own = uow.terminal().id
        # Our own payments come back from the server: unchanged ones need no apply.
        stored, rest = catch_up.skip_echoes(uow.session, page.changes, own)
        if mode == "first_load":
            loaded, rest = first_load.store(uow.session, rest)
            stored += loaded
        elif mode == "catch_up":
            merged, rest = catch_up.store(uow.session, rest)
            stored += merged
        # Foreign keys are checked per statement (not deferred to COMMIT), so a record
        # whose parent is missing fails in its own savepoint instead of the whole page.
        result = apply_changes(uow.session, rest, own, now=page.server_time)
        quarantine.keep(uow, result.failures, version)
        released = quarantine.release(uow, [*stored, *result.settled])
        row.cursor = max(page.next_cursor, cursor)
        row.last_pull_at = uow.now()
        uow.commit()
    applied = Applied(result.count + len(stored), result.failures, result.changes)
    return _PageOutcome(applied, released)
