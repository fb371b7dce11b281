"""`tilldesk bench --first-load N`: a new counter's first load, from `terminal register` to
ready, against a real central server (FastAPI on PostgreSQL in its own process).

The server is filled once with about N demo consumers and their bills (`tilldesk server
demo`'s data, on the feed); then `--first-load-runs` new counters, each a fresh SQLite file,
register and sync once. Reported: each run's seconds and the counter's CPU seconds, p50/p95,
the changes and the counter file's size, and the load average before and after (the machine is
shared: figures are read with it, never asserted).
"""

import os
import secrets
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.db.database import open_database
from app.demo.words import demo_words
from app.domain.progress import Progress
from app.services.setup import initialise
from cli.sync_bench import BenchTokens, running_server, server_database
from sync.client.register import register_terminal
from sync.client.runner import sync_once
from sync.server import demo
from sync.server.admins import add_admin
from sync.server.db import make_engine, migrate_database


def run_first_load_benchmark(
    consumers: int,
    *,
    runs: int,
    server_db: str | None,
    server_url: str | None,
    progress: Progress,
) -> dict[str, Any]:
    with server_database(server_db) as db_url:
        migrate_database(db_url)
        engine = make_engine(db_url, pool_size=2)
        try:
            admin, password = f"bench-{secrets.token_hex(4)}", secrets.token_urlsafe(18)
            add_admin(engine, admin, password, datetime.now(UTC), actor="bench")
            progress("Filling the server", 0, 1)
            filled = demo.load_demo(
                engine, consumers_wanted=consumers, words=demo_words(), workers=1
            )
            progress("Filling the server", 1, 1)
        finally:
            engine.dispose()
        with running_server(db_url, server_url) as url:
            timings = [_one_load(url, admin, password, run, progress) for run in range(1, runs + 1)]
    seconds = sorted(t["seconds"] for t in timings)
    return {
        "consumers": filled.consumers,
        "bills": filled.bills,
        "feed_changes": filled.changes,
        "runs": timings,
        "p50_s": round(statistics.median(seconds), 1),
        "p95_s": round(_p95(seconds), 1),
        "budget_s": 120,
    }


def _one_load(url: str, admin: str, password: str, run: int, progress: Progress) -> dict:
    with tempfile.TemporaryDirectory(prefix="tilldesk-first-load-") as folder:
        path = Path(folder) / "counter.sqlite"
        code = f"FL{run:02d}{secrets.token_hex(1).upper()}"
        db = open_database(path)
        try:
            initialise(db, terminal_code=code, terminal_name=f"First load {run}")
            load_before = os.getloadavg()[0]
            cpu_before = time.process_time()
            started = time.perf_counter()
            tokens = BenchTokens()  # this run's token, in memory
            register_terminal(
                db, server_url=url, code=code, username=admin, password=password, tokens=tokens
            )
            result = sync_once(db, tokens=tokens, progress=progress)
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu_before
        finally:
            db.close()
        return {
            "seconds": round(seconds, 1),
            # The counter's own CPU (all its threads): on a shared machine, read beside seconds.
            "client_cpu_s": round(cpu, 2),  # a small load takes under 0.05 s
            "changes": result.pull.changes,
            "file_mb": round(path.stat().st_size / 2**20),
            "load_average_before": round(load_before, 2),
            "load_average_after": round(os.getloadavg()[0], 2),
        }


def _p95(ordered: list[float]) -> float:
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
