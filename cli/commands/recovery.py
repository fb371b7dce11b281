"""`tilldesk recovery simulate`: judge a policy against a simulated world before real customers."""

import sys
from argparse import Namespace, _SubParsersAction
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from app.domain.errors import UserFacingError
from app.recovery.policy_names import POLICIES
from cli.commands import (
    recovery_analytics,
    recovery_case_actions,
    recovery_credentials,
    recovery_integration,
    recovery_links,
    recovery_messaging,
    recovery_models,
    recovery_plans,
    recovery_smart_collect,
    recovery_templates,
)
from cli.commands.recovery_service import register_service
from cli.output import emit_json, emit_pairs

EXIT_ROWS_REFUSED = 3


def register(sub: _SubParsersAction, common: list) -> None:
    recovery = sub.add_parser("recovery", help="the payment-recovery engine")
    verbs = recovery.add_subparsers(dest="verb", required=True)
    sim = verbs.add_parser(
        "simulate", parents=common, help="run a policy against a simulated world"
    )
    sim.add_argument("--world", required=True, help="the world's base URL, http://HOST:PORT")
    sim.add_argument("--portfolio", required=True, type=Path, help="folder of the four CSVs")
    sim.add_argument("--start", required=True, help="virtual start time, ISO-8601 UTC")
    sim.add_argument("--days", required=True, type=int, help="days of virtual time")
    sim.add_argument("--policy", default="smart", choices=POLICIES)
    sim.add_argument("--models", type=Path, help="keep the trained model (joblib + metrics) here")
    sim.set_defaults(run=run_simulate)

    bench = verbs.add_parser(
        "bench",
        parents=common,
        help="time smart decisions (model included) and the planning of a round over N cases",
        description=(
            "Decisions: one smart decision per portfolio case, p50/p95. Planning: --cases open "
            "cases (copies of the portfolio's) in --bench-db, next_at spread over the 20-day "
            "horizon with one day of it past; the figure is the time to select every due case "
            "(status open, next_at passed; the index use is checked with EXPLAIN) plus the time "
            "to rebuild and decide each of them (budget 60 s for 1,000,000 open cases), with the "
            "p50/p95 of one model-scored decision during that round (budget 5 ms)."
        ),
    )
    bench.add_argument("--portfolio", required=True, type=Path, help="folder of the four CSVs")
    bench.add_argument("--start", default="2027-01-04T00:00:00Z", help="decision time, ISO-8601")
    bench.add_argument("--samples", type=int, default=1000)
    bench.add_argument(
        "--cases", type=int, default=1_000_000, help="open cases for the planning round (0: skip)"
    )
    bench.add_argument(
        "--bench-db",
        default="recovery-bench.sqlite",
        help="the planning round's own database: a SQLite file or a postgresql:// URL",
    )
    bench.add_argument(
        "--keep",
        action="store_true",
        help="reuse the cases an earlier bench wrote there for the same --cases and --start",
    )
    bench.set_defaults(run=run_bench)
    train = verbs.add_parser(
        "train", parents=common, help="retrain the approval model from an attempt history"
    )
    train.add_argument("--portfolio", required=True, type=Path, help="folder with the CSVs")
    train.add_argument("--models", required=True, type=Path, help="where versioned models go")
    train.set_defaults(run=run_train)
    register_service(verbs, common)
    for area in (
        recovery_messaging,
        recovery_links,
        recovery_credentials,
        recovery_templates,
        recovery_models,
        recovery_analytics,
        recovery_smart_collect,
        recovery_integration,
        recovery_case_actions,
        recovery_plans,
    ):
        area.register(verbs, common)


def run_train(args: Namespace) -> int:
    """A new versioned model file with its held-out metrics beside it; nothing is written when
    the history is too short to learn from (the engine then keeps to its rules)."""
    from app.recovery.code_tables import load_decline_codes
    from app.services.recovery_portfolio import read_portfolio
    from app.services.recovery_setup import train_from_history

    portfolio = read_portfolio(args.portfolio)
    model, note = train_from_history(portfolio, load_decline_codes())
    if model is None:
        raise UserFacingError(f"No model trained: {note}.")
    path = model.save(args.models)
    if args.json:
        emit_json({"model": str(path), "version": model.version, "metrics": asdict(model.metrics)})
    else:
        print(f"{note}\nSaved {path} (metrics in {path.with_suffix('.json').name}).")
    return 0


def _segment_rules(db: str | None) -> dict:
    """The segment configurations a billing manager saved in the recovery database named with
    --db (only edited ones change anything, as in `recovery run`); none without --db."""
    if db is None:
        return {}
    from app.recovery.segment_rules import rules_from_config
    from app.services.recovery_database import open_recovery_database, recovery_db_url
    from app.services.smart_collect_segments import current_configs

    engine = open_recovery_database(recovery_db_url(db))
    try:
        configs = current_configs(engine)
    finally:
        engine.dispose()
    return {
        name: rules_from_config(name, config.version, config.settings)
        for name, config in configs.items()
        if config.version > 0
    }


def run_simulate(args: Namespace) -> int:
    # scikit-learn and the engine load only when a simulation is asked for.
    from app.services.recovery_portfolio import read_portfolio
    from app.services.recovery_simulate import simulate
    from sync.recovery_sim.client import WorldClient

    start = _start(args.start)
    if args.days <= 0:
        raise UserFacingError("--days must be at least 1.")
    portfolio = read_portfolio(args.portfolio)
    report = simulate(
        portfolio,
        WorldClient(args.world),
        start=start,
        days=args.days,
        policy_name=args.policy,
        models_dir=args.models,
        segment_rules=_segment_rules(getattr(args, "db", None)),
    )
    for note in report.notes:
        print(f"tilldesk: {note}", file=sys.stderr)
    if args.json:
        emit_json(report.as_json())
    else:
        emit_pairs(
            [
                ("policy", report.policy),
                ("cases", str(report.cases)),
                ("recovered", ", ".join(f"{c} {m}" for c, m in report.recovered_minor.items())),
                ("recovered cases", str(report.recovered_cases)),
                ("attempts", str(report.attempts)),
                ("messages", str(report.messages)),
                ("seconds", f"{report.seconds:.1f}"),
            ]
        )
    return EXIT_ROWS_REFUSED if portfolio.refused else 0


def run_bench(args: Namespace) -> int:
    from app.services.recovery_bench import run_bench as bench
    from app.services.recovery_database import recovery_db_url
    from app.services.recovery_portfolio import read_portfolio

    if args.cases < 0:
        raise UserFacingError("--cases cannot be negative.")
    report = bench(
        read_portfolio(args.portfolio),
        _start(args.start),
        samples=args.samples,
        cases=args.cases,
        bench_url=recovery_db_url(args.bench_db),
        keep=args.keep,
    )
    if args.json:
        emit_json(report)
        return 0
    pairs = [
        ("decisions", str(report.decisions)),
        ("p50", f"{report.p50_ms:.2f} ms"),
        ("p95", f"{report.p95_ms:.2f} ms (budget 5 ms)"),
        ("cpu p95", f"{report.cpu_p95_ms:.2f} ms (p50 {report.cpu_p50_ms:.2f})"),
        ("model", report.model),
    ]
    plan = report.planning
    if plan is not None:
        pairs += [
            (
                "open cases",
                f"{plan.open_cases:,}"
                + (f" (written in {plan.generated_s} s)" if plan.generated_s else " (reused)"),
            ),
            ("due index", ("used: " if plan.index_used else "NOT USED: ") + plan.query_plan),
            ("claim p95", f"{plan.claim_p95_ms:.2f} ms (p50 {plan.claim_p50_ms:.2f})"),
            ("due cases", f"{plan.due_cases:,} selected in {plan.select_due_s} s"),
            ("decided", f"{plan.decide_s} s ({plan.decisions_per_s:,.0f} a second)"),
            ("planning", f"{plan.planning_s} s (budget 60 s)"),
            ("all due", f"{plan.all_due_estimate_s} s, estimated, were every open case due"),
            (
                "scored p95",
                f"{plan.scored_p95_ms:.2f} ms (p50 {plan.scored_p50_ms:.2f}, "
                f"{plan.scored:,} decisions; budget 5 ms)",
            ),
            (
                "scored cpu p95",
                f"{plan.scored_cpu_p95_ms:.2f} ms (p50 {plan.scored_cpu_p50_ms:.2f})",
            ),
            ("load average", " ".join(f"{v:.2f}" for v in plan.load_average)),
        ]
    emit_pairs(pairs)
    return 0


def _start(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise UserFacingError(f"--start {text!r} is not an ISO-8601 time.") from None
    if at.tzinfo is None:
        raise UserFacingError("--start needs a time zone, e.g. 2027-01-04T00:00:00Z.")
    return at.astimezone(UTC)
