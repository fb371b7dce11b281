"""One sync = push then pull; the SyncRunner repeats it on an interval until told to stop,
backing off (full jitter) while the server is out of reach. Used by `tilldesk sync` in the
foreground and by the desktop client on a background thread."""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from app.db.database import Database
from app.domain.progress import Progress, no_progress
from sync.client import courtesy, quarantine, state
from sync.client.audit_push import push_audit
from sync.client.backoff import Backoff
from sync.client.errors import NotRegistered, ServerRefused, ServerUnavailable
from sync.client.http import ServerClient
from sync.client.number_blocks import refill_numbers
from sync.client.pull import PullSummary, pull_all
from sync.client.push import PushSummary, push_all
from sync.client.tokens import TokenStore
from sync.protocol import MAX_PULL_PAGE

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 15.0

ClientFactory = Callable[[state.Connection, str], ServerClient]


def default_client(connection: state.Connection, token: str) -> ServerClient:
    return ServerClient(connection.server_url, token=token, ca_file=connection.ca_file)


@dataclass(frozen=True)
class SyncResult:
    push: PushSummary
    pull: PullSummary


def sync_once(
    db: Database,
    *,
    tokens: TokenStore | None = None,
    client_factory: ClientFactory = default_client,
    page_size: int = MAX_PULL_PAGE,
    app_version: str | None = None,
    progress: Progress = no_progress,
) -> SyncResult:
    """Push everything pending, then pull everything new. Raises ServerUnavailable (try later),
    ServerRefused or NotRegistered (a person must act), or whatever broke; every failure is
    recorded with its time, so `sync status` and the status bar never claim all is well."""
    try:
        return _sync(db, tokens, client_factory, page_size, app_version, progress)
    except ServerUnavailable as error:
        state.record_failure(db, str(error), kind="offline")
        raise
    except ServerRefused as error:
        state.record_failure(db, str(error), kind="refused")
        raise
    except NotRegistered as error:
        state.record_failure(db, str(error), kind="not_registered")
        raise
    except Exception as error:
        log.exception("sync crashed")
        state.record_failure(db, f"Sync failed: {type(error).__name__}: {error}", kind="crashed")
        raise


def _sync(
    db: Database,
    tokens: TokenStore | None,
    client_factory: ClientFactory,
    page_size: int,
    app_version: str | None,
    progress: Progress = no_progress,
) -> SyncResult:
    connection = state.connection(db)
    token = (tokens or TokenStore()).load(connection.server_url, connection.terminal_code)
    if not token:
        raise NotRegistered(
            "This terminal's token is not in the keyring: register the terminal again."
        )
    client = client_factory(connection, token)
    try:
        started = db.clock()
        pushed = push_all(db, client)
        pulled = pull_all(
            db, client, page_size=page_size, app_version=app_version, progress=progress
        )
        # What the pull queued (quarantine reports) - and, after a server restore, everything
        # it lost, marked pending again - goes now rather than at the next sync.
        pushed = _plus(pushed, push_all(db, client))
        push_audit(db, client)
        refill_numbers(db, client)  # after the pull: it may have brought new formats
        server_time = pulled.server_time or pushed.server_time
        if server_time is not None:
            state.record_success(db, server_time, started, warning=_quarantine_warning(db))
    finally:
        client.close()
    return SyncResult(pushed, pulled)


def _plus(first: PushSummary, second: PushSummary) -> PushSummary:
    return PushSummary(
        first.sent + second.sent,
        first.parked + second.parked,
        first.flagged + second.flagged,
        second.server_time or first.server_time,
        first.epoch_changed or second.epoch_changed,
    )


def _quarantine_warning(db: Database) -> str | None:
    count, newest = quarantine.held(db)
    if newest is None:
        return None
    what = f"{newest.entity.replace('_', ' ')} {newest.key}: {newest.error}"
    if count == 1:
        return f"1 change from the server could not be applied (quarantined) - {what}"
    return f"{count} changes from the server could not be applied (quarantined); newest - {what}"


class SyncRunner:
    """`run()` loops until `stop()`; safe to run on a thread (it owns nothing of the caller's)."""

    def __init__(
        self,
        db: Database,
        *,
        interval_s: float = DEFAULT_INTERVAL_S,
        backoff: Backoff | None = None,
        tokens: TokenStore | None = None,
        client_factory: ClientFactory = default_client,
        on_result: Callable[[SyncResult | Exception], None] | None = None,
        page_size: int = MAX_PULL_PAGE,
        progress: Progress = no_progress,
    ) -> None:
        self.db = db
        self.interval_s = interval_s
        self.backoff = backoff or Backoff()
        self.tokens = tokens
        self.client_factory = client_factory
        self.on_result = on_result
        self.page_size = page_size
        self.progress = progress  # a big pull's counts (sync.client.load_progress)
        self.stopped = threading.Event()
        self.wake = threading.Event()
        self.failures = 0
        self.last_run: datetime | None = None

    def stop(self) -> None:
        self.stopped.set()
        self.wake.set()

    def nudge(self) -> None:
        """Sync now (e.g. right after a payment) instead of at the next interval."""
        self.wake.set()

    def run_once(self) -> SyncResult | Exception:
        try:
            result: SyncResult | Exception = sync_once(
                self.db,
                tokens=self.tokens,
                client_factory=self.client_factory,
                page_size=self.page_size,
                progress=self.progress,
            )
            self.failures = 0
        except Exception as error:  # recorded by sync_once; a bug must not kill the loop
            self.failures += 1
            log.info("sync failed (%s in a row): %s", self.failures, error)
            result = error
        self.last_run = self.db.clock()
        if self.on_result is not None:
            self.on_result(result)
        return result

    def next_delay(self) -> float:
        if self.failures == 0:
            return self.interval_s
        return max(self.backoff.delay(self.failures), min(1.0, self.interval_s))

    def run(self) -> None:
        with courtesy.background():  # a thread beside the window: it gives way to the cashier
            self._loop()

    def _loop(self) -> None:
        while not self.stopped.is_set():
            try:
                self.run_once()
            except Exception:  # a failing on_result must not kill the loop either
                log.exception("sync result handler crashed; syncing on")
            self.wake.wait(self.next_delay())
            self.wake.clear()

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="tilldesk-sync", daemon=True)
        thread.start()
        return thread
