"""`tilldesk kpis`, `tilldesk audit verify` and `tilldesk bench`."""

from __future__ import annotations

import tempfile
from argparse import Namespace, _SubParsersAction
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.money import format_money
from cli.context import open_db
from cli.output import emit_json, emit_pairs, money
from cli.progress import progress_for

if TYPE_CHECKING:
    from app.services.kpis import Kpi


def register(sub: _SubParsersAction, common: list) -> None:
    kpis = sub.add_parser("kpis", parents=common, help="header KPIs for a month")
    kpis.add_argument("--month", help="YYYY-MM (default: this month)")
    kpis.set_defaults(run=run_kpis)

    audit = sub.add_parser("audit", help="the hash-chained audit log")
    verbs = audit.add_subparsers(dest="verb", required=True)
    verify = verbs.add_parser("verify", parents=common, help="detect tampered events")
    verify.set_defaults(run=run_audit_verify)

    bench = sub.add_parser("bench", parents=common, help="measure the performance budgets")
    bench.add_argument("--consumers", type=int, default=100_000)
    bench.add_argument("--payments", type=int, default=100_000)
    bench.add_argument("--samples", type=int, default=200)
    bench.add_argument("--file", help="benchmark database (reused when it has this size)")
    bench.add_argument(
        "--sync",
        action="store_true",
        help="also time the counter while a background sync pushes and pulls (real server)",
    )
    bench.add_argument(
        "--server-db",
        help="PostgreSQL URL the sync benchmark may fill (default: a throwaway cluster)",
    )
    bench.add_argument("--server", help="a server already running on --server-db")
    bench.add_argument("--sync-changes", type=int, default=100_000, help="changes to pull")
    bench.add_argument("--offline-payments", type=int, default=100_000, help="payments to push")
    bench.add_argument(
        "--first-load",
        type=int,
        metavar="N",
        help="only time a new counter's first load of about N consumers with their bills "
        "(real server; --server-db as for --sync)",
    )
    bench.add_argument("--first-load-runs", type=int, default=3, help="new counters to time")
    bench.set_defaults(run=run_bench)


def _change(kpi: Kpi) -> str:
    change = kpi.change_percent
    return "" if change is None else f" ({'+' if change >= 0 else ''}{change}% vs previous)"


def run_kpis(args: Namespace) -> int:
    from app.services.kpis import collection_kpis
    from app.services.settings import current_settings

    db = open_db(args)
    k = collection_kpis(db.read(), args.month)
    cur = k.currency
    if args.json:

        def pair(kpi: Kpi, as_money: bool = False) -> dict:
            conv = (lambda v: money(v, cur)) if as_money else (lambda v: v)
            return {
                "value": None if kpi.value is None else conv(kpi.value),
                "previous": None if kpi.previous is None else conv(kpi.previous),
                "change_percent": kpi.change_percent,
            }

        emit_json(
            {
                "month": k.month,
                "today": k.today,
                "currency": cur,
                "total_collected": pair(k.total_collected, True),
                "received_today": {
                    "amount": money(k.received_today.value, cur),  # type: ignore[arg-type]
                    "count": k.received_today_count.value,
                    "previous_amount": money(k.received_today.previous, cur),  # type: ignore[arg-type]
                    "previous_count": k.received_today_count.previous,
                    "change_percent": k.received_today.change_percent,
                },
                "collection_rate": pair(k.collection_rate),
                "collection_rate_includes_arrears": k.includes_arrears,
                "avg_collection_time_days": pair(k.avg_collection_time_days),
            }
        )
        return 0
    locale = current_settings(db.read()).locale

    def fmt(minor: object) -> str:
        return format_money(int(minor or 0), cur, locale)  # type: ignore[call-overload]

    rate = k.collection_rate.value
    days = k.avg_collection_time_days.value
    emit_pairs(
        [
            ("Period", k.month_label),
            ("Total Collected", fmt(k.total_collected.value) + _change(k.total_collected)),
            (
                "Received Today",
                f"{fmt(k.received_today.value)} in {k.received_today_count.value} "
                f"payment(s){_change(k.received_today)}",
            ),
            (
                "Collection Rate",
                ("n/a" if rate is None else f"{rate}%")
                + (", incl. arrears of earlier periods" if k.includes_arrears else "")
                + _change(k.collection_rate),
            ),
            (
                "Avg Collection Time",
                ("n/a" if days is None else f"{days} days") + _change(k.avg_collection_time_days),
            ),
        ]
    )
    return 0


def run_audit_verify(args: Namespace) -> int:
    from app.services.audit_check import verify_audit_chain

    db = open_db(args)
    report = verify_audit_chain(db.read())
    if args.json:
        emit_json(
            {
                "intact": report.intact,
                "checked": report.checked,
                "broken_at": report.broken_at,
                "problem": report.problem,
            }
        )
    elif report.intact:
        print(f"Audit log intact: {report.checked} events verified.")
    else:
        print(f"Audit log TAMPERED at event {report.broken_at}: {report.problem}.")
    return 0 if report.intact else 4


def run_bench(args: Namespace) -> int:
    from app.demo.benchmark import run_benchmark

    if args.server and not args.server_db:
        raise SystemExit("--server needs --server-db: the benchmark loads the server's data")
    if args.first_load:
        from cli.first_load_bench import run_first_load_benchmark

        with progress_for(quiet=False) as progress:  # closed before the JSON goes out
            figures = run_first_load_benchmark(
                args.first_load,
                runs=max(1, args.first_load_runs),
                server_db=args.server_db,
                server_url=args.server,
                progress=progress,
            )
        emit_json(figures)
        return 0

    if args.file:
        path = Path(args.file)
    else:
        path = (
            Path(tempfile.gettempdir()) / f"tilldesk-bench-{args.consumers}-{args.payments}.sqlite"
        )
    with progress_for(quiet=False) as progress:  # on stderr: stdout stays the JSON result
        result = run_benchmark(
            path,
            consumers=args.consumers,
            payments=args.payments,
            samples=args.samples,
            progress=progress,
        )
    from cli.startup_bench import startup_figures

    result["startup"] = startup_figures(path)
    if args.sync:
        from cli.sync_bench import run_sync_benchmark

        with progress_for(quiet=False) as progress:
            result["sync"] = run_sync_benchmark(
                path,
                changes=args.sync_changes,
                offline=args.offline_payments,
                server_db=args.server_db,
                server_url=args.server,
                progress=progress,
            )
    emit_json(result)
    return 0
