"""`tilldesk bench --sync`: the counter's budgets while its background sync works, on a real
central server (FastAPI on PostgreSQL) in its own process.

Recipe: the benchmark file is registered as its terminal with a server whose feed holds about
`changes` new reference changes (`tilldesk server demo`'s consumers and bills), and its outbox
holds `offline` payments taken offline. A sync thread on its own Database (as the desktop
client's background sync) pushes them and pulls the feed, while this thread records payments and
reads the KPI header through the window's Database. Reported: p50/p95 of both, where a
payment's time went (waiting for the write lock, its statements, the durable commit), the
push's and the pull's seconds and counts, how the sync gave way, and the load average.

The central server and its PostgreSQL, when started here, run at a lower CPU priority
(SERVER_NICE): in the field they are another machine and never take the counter's cores. The
sync thread's own behaviour is the client's (sync.client.courtesy), nothing set for the bench.

Server: `--server-db URL` names a PostgreSQL database the benchmark may fill (migrated here);
without it a throwaway cluster is started when PostgreSQL's binaries are installed. `--server
URL` uses a server already running on that database; without it `tilldesk server run` is started
on a free loopback port. Both stop with the benchmark, whether it ends, fails, or is ended by
SIGTERM or Ctrl-C (cli.bench_postgres.ended_by_signals).
"""

import contextlib
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.dialects.postgresql import insert

from app.db.database import Database, open_database
from app.demo.bench_busy import measure_while
from app.demo.bench_data import add_unpaid_bills
from app.demo.bench_offline import (
    OfflineBatch,
    add_offline_payments,
    forget_earlier_runs,
    rows_for_server,
)
from app.demo.words import demo_words
from app.domain.progress import Progress
from cli.bench_phases import write_phases
from cli.bench_postgres import ended_by_signals, free_port, throwaway_postgres
from sync.client import courtesy, state
from sync.client.background import CLIENT_PAGE
from sync.client.pull import pull_all
from sync.client.push import push_all
from sync.client.register import register_terminal
from sync.client.runner import default_client
from sync.client.sync_thread import SYNC_NICE
from sync.client.tokens import TokenStore
from sync.server import demo
from sync.server.admins import add_admin
from sync.server.db import make_engine, migrate_database
from sync.server.reference import SPECS, as_json

CHANGES_PER_CONSUMER = 2.45  # a demo consumer brings ~1.4 bills and now and then a fee
SERVER_NICE = 10  # the central server's processes: another machine in the field
FOREGROUND_BILLS = 4_000  # more than a sync of this size leaves time to record


class BenchTokens(TokenStore):
    """The terminal's token for this run only, in memory (the benchmark's own registration).
    Every method is overridden: the sync client takes a TokenStore, the keyring is never used."""

    def __init__(self) -> None:
        self.tokens: dict[tuple[str, str], str] = {}

    def check(self) -> None:
        return None

    def where(self) -> str:
        return "memory (benchmark)"

    def save(self, server_url: str, terminal_code: str, token: str) -> None:
        self.tokens[(server_url, terminal_code)] = token

    def load(self, server_url: str, terminal_code: str) -> str | None:
        return self.tokens.get((server_url, terminal_code))

    def forget(self, server_url: str, terminal_code: str) -> None:
        self.tokens.pop((server_url, terminal_code), None)


def run_sync_benchmark(
    path: Path,
    *,
    changes: int,
    offline: int,
    server_db: str | None,
    server_url: str | None,
    progress: Progress,
) -> dict[str, Any]:
    """The file at `path` is a built benchmark file (run_benchmark made it); the sync runs on
    a copy, so the file stays as built (a pull fills it with the server's consumers)."""
    with ended_by_signals(), _copy_of(path) as copy, server_database(server_db) as db_url:
        migrate_database(db_url)
        engine = make_engine(db_url, pool_size=2)
        try:
            # In the field the central server is another machine: here it and its
            # PostgreSQL only get the counter's cores when the counter leaves them free.
            nicer = [] if server_db else _nicer_postgres(engine)
            admin, password = f"bench-{secrets.token_hex(4)}", secrets.token_urlsafe(18)
            add_admin(engine, admin, password, datetime.now(UTC), actor="bench")
            with running_server(db_url, server_url) as url:
                figures = _measure(copy, engine, url, admin, password, changes, offline, progress)
            if not server_url:
                nicer.append("central server")
            figures["priorities"] = _priorities_note(nicer)
            return figures
        finally:
            engine.dispose()


def _measure(
    path: Path,
    engine: Engine,
    url: str,
    admin: str,
    password: str,
    changes: int,
    offline: int,
    progress: Progress,
) -> dict[str, Any]:
    window = open_database(path)
    try:
        forget_earlier_runs(window)
        tokens = BenchTokens()
        code = _terminal_code(window)
        register_terminal(
            window, server_url=url, code=code, username=admin, password=password, tokens=tokens
        )
        progress("Preparing the sync benchmark", 0, 3)
        batch = add_offline_payments(window, offline) if offline else OfflineBatch()
        bills = add_unpaid_bills(window, FOREGROUND_BILLS)
        give_server(engine, batch, rows_for_server(window, [b[1] for b in bills]))
        progress("Preparing the sync benchmark", 1, 3)
        wanted = max(1, round(changes / CHANGES_PER_CONSUMER)) if changes else 0
        loaded = demo.load_demo(engine, consumers_wanted=wanted, words=demo_words(), workers=1)
        progress("Preparing the sync benchmark", 3, 3)
        background = _Background(path, tokens)
        background.start()
        with write_phases(window.writer) as phases:
            foreground = measure_while(window, background.busy, bills, phase=background.phase)
        foreground["record_payment_phases"] = phases.figures()
        background.join()
    finally:
        window.close()
    return {
        "foreground": foreground,
        "push": background.push,
        "pull": background.pull,
        "feed_changes": loaded.changes,
        "offline_payments": offline,
        "load_average_after": os.getloadavg()[0],
        "sync_gave_way": dict(courtesy.stats),
    }


def _terminal_code(db: Database) -> str:
    with db.read() as uow:
        return uow.terminal().code


class _Background:
    """The desktop client's background sync: its own Database on the same file, push then
    pull (sync_once's order), timed apart."""

    def __init__(self, path: Path, tokens: BenchTokens) -> None:
        self.path, self.tokens = path, tokens
        self.thread = threading.Thread(target=self._run, name="bench-sync", daemon=True)
        self.push: dict[str, Any] = {}
        self.pull: dict[str, Any] = {}
        self.error: BaseException | None = None
        self.now_doing = "starting"

    def start(self) -> None:
        self.thread.start()

    def busy(self) -> bool:
        return self.thread.is_alive()

    def phase(self) -> str:
        return self.now_doing if self.thread.is_alive() else "idle"

    def join(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        with courtesy.background():  # as SyncRunner.run on the client's thread
            self._sync()

    def _sync(self) -> None:
        db = open_database(self.path)
        try:
            connection = state.connection(db)
            token = self.tokens.load(connection.server_url, connection.terminal_code) or ""
            client = default_client(connection, token)
            try:
                self.now_doing = "push"
                started = time.perf_counter()
                pushed = push_all(db, client)
                self.push = {
                    "seconds": round(time.perf_counter() - started, 1),
                    "sent": pushed.sent,
                    "parked": pushed.parked,
                    "flagged": pushed.flagged,
                }
                self.now_doing = "pull"
                started = time.perf_counter()
                pulled = pull_all(db, client, page_size=CLIENT_PAGE)
                self.pull = {
                    "seconds": round(time.perf_counter() - started, 1),
                    "changes": pulled.changes,
                    "pages": pulled.pages,
                    "quarantined": pulled.quarantined,
                }
                self.now_doing = "push"
                push_all(db, client)  # what the cashier recorded meanwhile
            finally:
                client.close()
        except BaseException as error:  # reported by join() on the measuring thread
            self.error = error
        finally:
            db.close()


def give_server(engine: Engine, *batches: OfflineBatch) -> None:
    """The consumers and bills the pushed payments pay, as the server holds reference data -
    but not on its feed: this counter has them already, and the pull measured is the demo's."""
    for entity, attribute in (("consumer", "consumers"), ("bill", "bills")):
        table, columns = SPECS[entity]
        rows = []
        for batch in batches:
            for row in getattr(batch, attribute):
                data = as_json(row)
                rows.append({"id": data["id"], "data": data} | {c: data[c] for c in columns})
        if rows:
            with engine.begin() as conn:
                conn.execute(insert(table).on_conflict_do_nothing(), rows)


@contextlib.contextmanager
def _copy_of(path: Path) -> Iterator[Path]:
    copy = path.with_name(path.stem + "-sync" + path.suffix)
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # all in the main file: one copy
    shutil.copyfile(path, copy)
    try:
        yield copy
    finally:
        for leftover in (copy, *(copy.with_name(copy.name + s) for s in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def server_database(server_db: str | None) -> Iterator[str]:
    if server_db:
        yield server_db
        return
    with throwaway_postgres() as url:
        yield url


@contextlib.contextmanager
def running_server(db_url: str, server_url: str | None) -> Iterator[str]:
    """The server already running at `server_url`, or `tilldesk server run` started here."""
    if server_url:
        yield server_url.rstrip("/")
        return
    port = free_port()
    command = [sys.executable, "-m", "cli.main", "server", "run", "--db", db_url]
    command += ["--port", str(port), "--insecure-http"]
    root = Path(__file__).resolve().parents[1]
    url = f"http://127.0.0.1:{port}"
    with ended_by_signals(), tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=root)
        try:
            with contextlib.suppress(OSError):  # its threads, started later, inherit it
                os.setpriority(os.PRIO_PROCESS, process.pid, SERVER_NICE)
            _wait_until_up(url, process, log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _nicer_postgres(engine: Engine) -> list[str]:
    """The throwaway cluster's processes at SERVER_NICE: its postmaster (backends forked
    later inherit it) and every process it started. ["PostgreSQL"], or [] if not allowed."""
    with engine.connect() as conn:
        backend = int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
    postmaster = _parent(backend)
    if postmaster is None:
        return []
    children = [pid for pid in _pids() if _parent(pid) == postmaster]
    try:
        for pid in (postmaster, *children):
            os.setpriority(os.PRIO_PROCESS, pid, SERVER_NICE)
    except OSError:
        return []
    return ["PostgreSQL"]


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])  # the field after the state


def _priorities_note(nicer: list[str]) -> str:
    sync = f"the sync's threads lower their own priority by {SYNC_NICE}, as in the client"
    if not nicer:
        return sync
    return f"{' and '.join(nicer)} at nice {SERVER_NICE} (they stand for a remote machine); {sync}"


def _wait_until_up(url: str, process: subprocess.Popen, log: Any) -> None:
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"the server stopped: {log.read().decode(errors='replace')}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{url}/v1/health", timeout=2).status_code < 500:
                return
        time.sleep(0.3)
    raise RuntimeError("the server did not start within a minute")
