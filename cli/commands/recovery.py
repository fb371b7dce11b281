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
    recovery_credentials,
    recovery_integration,
    recovery_links,
    recovery_messaging,
    recovery_models,
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
        "bench", parents=common, help="time one smart decision per case (model included)"
    )
    bench.add_argument("--portfolio", required=True, type=Path, help="folder of the four CSVs")
    bench.add_argument("--start", default="2027-01-04T00:00:00Z", help="decision time, ISO-8601")
    bench.add_argument("--samples", type=int, default=1000)
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
    from app.services.recovery_bench import time_decisions
    from app.services.recovery_portfolio import read_portfolio

    timings = time_decisions(read_portfolio(args.portfolio), _start(args.start), args.samples)
    if args.json:
        emit_json(timings)
    else:
        emit_pairs(
            [
                ("decisions", str(timings.decisions)),
                ("p50", f"{timings.p50_ms:.2f} ms"),
                ("p95", f"{timings.p95_ms:.2f} ms (budget 5 ms)"),
                ("model", timings.model),
            ]
        )
    return 0


def _start(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise UserFacingError(f"--start {text!r} is not an ISO-8601 time.") from None
    if at.tzinfo is None:
        raise UserFacingError("--start needs a time zone, e.g. 2027-01-04T00:00:00Z.")
    return at.astimezone(UTC)
