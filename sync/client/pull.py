"""Pull: the server's change feed from our cursor, page by page; each page, its quarantined
changes and its cursor in one SQLite transaction, so a counter killed mid-pull resumes exactly
where it stopped, and a change it cannot apply never holds the cursor back."""

from dataclasses import dataclass
from datetime import datetime

from app.db.database import Database
from sync.client import quarantine, state
from sync.client.apply import apply_changes
from sync.client.http import ServerClient
from sync.protocol import MAX_PULL_PAGE


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
) -> PullSummary:
    version = app_version or quarantine.running_version()
    pages = changes = quarantined = released = 0
    server_time = None
    epoch_changed = False
    just_failed: set[tuple[str, str]] = set()  # not retried again in this same sync
    while True:
        cursor = state.connection(db).cursor
        page = client.pull(cursor, page_size)
        server_time = page.server_time
        if state.adopt_epoch(db, page.epoch):
            # A restored server: its seqs mean something else now. Start again from 0.
            epoch_changed = True
            continue
        with db.unit_of_work() as uow:
            row = state.state_row(uow)
            if row.cursor != cursor or row.epoch != page.epoch:
                continue  # someone else (another sync process) moved on meanwhile
            # Foreign keys are checked per statement (not deferred to COMMIT), so a record
            # whose parent is missing fails in its own savepoint instead of the whole page.
            result = apply_changes(
                uow.session, page.changes, uow.terminal().id, now=page.server_time
            )
            quarantine.keep(uow, result.failures, version)
            released += quarantine.release(uow, result.settled)
            changes += result.count
            quarantined += len(result.failures)
            just_failed.update((f.change.entity, f.change.key) for f in result.failures)
            row.cursor = max(page.next_cursor, cursor)
            row.last_pull_at = uow.now()
            uow.commit()
        pages += 1
        if not page.has_more or page.next_cursor <= cursor:
            break
    retried = quarantine.retry_due(db, version, pulled_something=changes > 0, skip=just_failed)
    released += len(retried.settled)
    return PullSummary(
        pages,
        changes + retried.count,
        page.next_cursor,
        server_time,
        epoch_changed,
        quarantined + len(retried.failures),
        released,
    )
