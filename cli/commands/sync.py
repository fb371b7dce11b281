"""`tilldesk sync`: push and pull with the central server (a foreground loop, or --once), and
`tilldesk sync status` for people and scripts."""

from __future__ import annotations

import gc
import logging
import signal
import sys
from argparse import SUPPRESS, Namespace, _SubParsersAction
from contextlib import ExitStack
from datetime import datetime
from types import FrameType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from app.domain.progress import Progress, no_progress
from cli.context import open_db
from cli.output import emit_json, emit_pairs
from cli.progress import progress_for

if TYPE_CHECKING:
    from app.db.database import Database
    from sync.client.runner import SyncResult

EXIT_UNREACHABLE = 4  # the server could not be reached: nothing lost, try again later

log = logging.getLogger("tilldesk.sync")


def register(sub: _SubParsersAction, common: list) -> None:
    sync = sub.add_parser("sync", parents=common, help="sync with the central server")
    sync.add_argument("--once", action="store_true", help="one push and pull, then exit")
    sync.add_argument("--interval", type=float, default=15.0, help="seconds between syncs")
    sync.set_defaults(run=run_sync)
    actions = sync.add_subparsers(dest="sync_command", metavar="ACTION")
    # Not parents=common: the subcommand's defaults would reset `sync --db X status`'s X.
    status = actions.add_parser("status", help="online, pending, last sync")
    status.add_argument("--db", default=SUPPRESS, help="database file")
    status.add_argument("--json", action="store_true", default=SUPPRESS, help="JSON output")
    status.set_defaults(run=run_status)


def run_sync(args: Namespace) -> int:
    from sync.client.runner import SyncRunner  # requests/keyring only when syncing

    db = open_db(args)
    # Modules and models loaded by now live as long as the process: out of the collector's
    # sight, a sync of 100,000 records does not pay for full collections walking them.
    gc.freeze()
    try:
        if args.once:
            return _once(db, args.json)
        bars = _LoadBars(quiet=args.json)

        def report(result: SyncResult | Exception) -> None:
            bars.close()  # a pull that failed half way leaves no bar hanging over the lines
            _report(result)

        runner = SyncRunner(db, interval_s=max(args.interval, 1.0), on_result=report, progress=bars)

        def stop(_signum: int, _frame: FrameType | None) -> None:
            runner.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            runner.run()
        finally:
            bars.close()
        return 0
    finally:
        db.close()


class _LoadBars:
    """The foreground loop's progress: a bar (plain lines in a log, nothing with --json) for
    each big pull, such as the first load, closed when its last stage completes, so the
    routine syncs between stay silent."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self._open: ExitStack | None = None
        self._report: Progress = no_progress
        self._stages: dict[str, tuple[int, int]] = {}

    def __call__(self, stage: str, done: int, total: int | None = None) -> None:
        if self.quiet:
            return
        if self._open is None:
            self._open = ExitStack()
            self._report = self._open.enter_context(progress_for(quiet=False))
        self._stages[stage] = (done, total if total is not None else done)
        self._report(stage, done, total)
        if done > 0 and all(d >= t for d, t in self._stages.values()):
            self.close()

    def close(self) -> None:
        if self._open is not None:
            self._open.close()
        self._open, self._report, self._stages = None, no_progress, {}


def _once(db: Database, as_json: bool) -> int:
    from sync.client.errors import ServerUnavailable
    from sync.client.runner import sync_once

    try:
        # A big pull (a new counter's first load) shows a bar on a terminal, a line now and
        # then in a log, nothing with --json; a routine sync shows nothing.
        with progress_for(quiet=as_json) as progress:
            result = sync_once(db, progress=progress)
    except ServerUnavailable as error:
        print(f"tilldesk: {error} Nothing was lost; try again later.", file=sys.stderr)
        return EXIT_UNREACHABLE
    if as_json:
        emit_json(result)
    else:
        _report(result)
    return 0


def _report(result: SyncResult | Exception) -> None:
    if isinstance(result, Exception):
        print(f"sync: {result}", flush=True)
        return
    push, pull = result.push, result.pull
    if not (push.sent or push.parked or push.flagged or pull.changes or pull.quarantined):
        return  # the foreground loop stays quiet while there is nothing to say
    print(
        f"sync: sent {push.sent}, parked {push.parked}, flagged {push.flagged}; "
        f"pulled {pull.changes} changes, cursor {pull.cursor}",
        flush=True,
    )
    if pull.quarantined:
        print(
            f"sync: {pull.quarantined} change(s) from the server could not be applied and are "
            "quarantined (the rest applied); see 'tilldesk sync status' and the Sync screen.",
            flush=True,
        )


def _moment(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z") if moment else None


def _server_label(server_url: str | None) -> str:
    if server_url is None:
        return "not registered"
    if server_url.startswith("http://"):  # accepted with `terminal register --insecure-http`
        return f"{server_url} (plain HTTP: not encrypted)"
    return server_url


def run_status(args: Namespace) -> int:
    from app.services.sync_status import status_line, sync_status

    db = open_db(args)
    try:
        status = sync_status(db.read())
        with db.read() as uow:
            zone = uow.settings().zone
    finally:
        db.close()
    if args.json:
        emit_json(
            {
                "registered": status.registered,
                "server_url": status.server_url,
                "insecure_http": (status.server_url or "").startswith("http://"),
                "terminal": status.terminal_code,
                "online": status.online,
                "offline_since": status.offline_since,
                "pending": status.pending_count,
                "oldest_pending_at": status.oldest_pending_at,
                "oldest_pending_age_seconds": status.oldest_pending_age_seconds,
                "last_sync_at": status.last_sync_at,
                "last_error": status.last_error,
                "last_error_at": status.last_error_at,
                "last_error_kind": status.last_error_kind,
                "quarantined": status.quarantined_count,
                "parked": status.parked_count,
                "flagged": status.flagged_count,
                "server_flags": status.server_flag_count,
                "clock_skew_seconds": status.clock_skew_seconds,
                "clock_warning": status.clock_warning,
                "clock_blocked": status.clock_blocked,
                "numbers_warning": status.numbers_warning,
            }
        )
        return 0
    print(status_line(status, zone))
    emit_pairs(
        [
            ("Server", _server_label(status.server_url)),
            ("Terminal", status.terminal_code),
            ("Pending", str(status.pending_count)),
            ("Parked", str(status.parked_count)),
            ("Not applied", str(status.quarantined_count)),
            ("Flagged", str(status.flagged_count)),
            ("Server flags", str(status.server_flag_count)),
            (
                "Clock skew",
                None
                if status.clock_skew_seconds is None
                else f"{status.clock_skew_seconds:+.1f} s (server minus this counter)",
            ),
            ("Last error", status.last_error),
            ("Last error at", _moment(status.last_error_at, zone)),
            ("Numbers", status.numbers_warning),
        ]
    )
    return 0
