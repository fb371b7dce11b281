"""Pull: the server's change feed from our cursor, page by page; each page and its cursor in
one SQLite transaction, so a counter killed mid-pull resumes exactly where it stopped."""

from dataclasses import dataclass
from datetime import datetime

from app.db.database import Database
from sync.client import state
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


def pull_all(db: Database, client: ServerClient, *, page_size: int = MAX_PULL_PAGE) -> PullSummary:
    pages = changes = 0
    server_time = None
    epoch_changed = False
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
            uow.session.connection().exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            changes += apply_changes(uow.session, page.changes, uow.terminal().id)
            row.cursor = max(page.next_cursor, cursor)
            row.last_pull_at = uow.now()
            uow.commit()
        pages += 1
        if not page.has_more or page.next_cursor <= cursor:
            return PullSummary(pages, changes, page.next_cursor, server_time, epoch_changed)
