"""`tilldesk recovery models ...`: the prediction models, trained, compared and promoted."""

import logging
import sys
import threading
from argparse import Namespace, _SubParsersAction
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cli.output import emit_json, emit_pairs, emit_table

log = logging.getLogger(__name__)

KIND_NAMES = ("failure", "recovery", "churn")
MODELS_HELP = (
    "the models folder (default: a 'models' folder beside the SQLite recovery database; for a "
    "PostgreSQL --db, recovery-models in the user data folder)"
)


def register(verbs: _SubParsersAction, common: list) -> None:
    """Add this area's verbs under `tilldesk recovery`."""
    models = verbs.add_parser(
        "models",
        help="the prediction models: failure, recovery odds, churn",
        description="Each training writes a new version (model + metrics.json); a version "
        "becomes current only when it beats the prior-rate baseline on held-out data. "
        "`recovery run` retrains every 7 days on its own.",
    )
    actions = models.add_subparsers(dest="models_verb", required=True)
    train = actions.add_parser(
        "train", parents=common, help="train, judge against the baseline, promote or refuse"
    )
    train.add_argument("--kind", choices=(*KIND_NAMES, "all"), default="all")
    train.add_argument("--models", type=Path, help=MODELS_HELP)
    train.add_argument(
        "--portfolio",
        type=Path,
        help="a portfolio folder whose history.csv (approved charges too) the failure model "
        "learns from instead of the recovery records",
    )
    train.set_defaults(run=run_train)
    listing = actions.add_parser("list", parents=common, help="every version of every kind")
    listing.add_argument("--models", type=Path, help=MODELS_HELP)
    listing.set_defaults(run=run_list)
    show = actions.add_parser("show", parents=common, help="one kind's current model, in full")
    show.add_argument("kind", choices=KIND_NAMES)
    show.add_argument("--version", help="another version than the current one")
    show.add_argument("--models", type=Path, help=MODELS_HELP)
    show.set_defaults(run=run_show)
    warn = actions.add_parser(
        "warn", parents=common, help="due charges the failure model expects to fail"
    )
    warn.add_argument(
        "due",
        type=Path,
        help="CSV of charges to come: consumer_id,amount_minor,currency,method,due_at",
    )
    warn.add_argument("--models", type=Path, help=MODELS_HELP)
    warn.add_argument(
        "--portfolio",
        type=Path,
        help="past charges from this portfolio's history.csv (else the db)",
    )
    warn.add_argument("--threshold", type=float, default=0.5, help="risk to warn at (0-1)")
    warn.set_defaults(run=run_warn)


def models_dir(args: Namespace) -> Path:
    from app.services.recovery_database import recovery_db_url
    from app.services.recovery_models import default_models_dir

    if args.models is not None:
        return args.models
    return default_models_dir(recovery_db_url(getattr(args, "db", None)))


def run_train(args: Namespace) -> int:
    # scikit-learn loads only when a model is asked for.
    from app.services.recovery_database import open_recovery_database, recovery_db_url
    from app.services.recovery_model_training import train_models
    from app.services.recovery_portfolio import read_portfolio

    folder = models_dir(args)
    history = read_portfolio(args.portfolio).history if args.portfolio else None
    engine = open_recovery_database(recovery_db_url(getattr(args, "db", None)))
    try:
        kinds = KIND_NAMES if args.kind == "all" else (args.kind,)
        outcomes = train_models(engine, folder, kinds, datetime.now(UTC), history)
    finally:
        engine.dispose()
    if args.json:
        emit_json({"models": str(folder), "trained": [o.as_json() for o in outcomes]})
        return 0
    for outcome in outcomes:
        print(_verdict_line(outcome))
        if outcome.metrics is not None:
            _print_figures(outcome.metrics, indent="    ")
    print(f"Models in {folder}.")
    return 0


def run_list(args: Namespace) -> int:
    from app.services.recovery_models import ModelRegistry

    registry = ModelRegistry(models_dir(args))
    versions = [v for kind in KIND_NAMES for v in registry.versions(kind)]
    if args.json:
        emit_json(
            [
                {"kind": v.kind, "version": v.version, "current": v.current, **_summary(v.metrics)}
                for v in versions
            ]
        )
        return 0
    if not versions:
        print(f"No models in {registry.root}: run `tilldesk recovery models train`.")
        return 0
    emit_table(
        ["kind", "version", "current", "promoted", "auc", "baseline auc", "brier", "rows"],
        [
            [
                v.kind,
                v.version,
                "*" if v.current else "",
                "yes" if v.promoted else "no",
                f"{v.metrics['metrics']['auc']:.3f}",
                f"{v.metrics['baseline']['auc']:.3f}",
                f"{v.metrics['metrics']['brier']:.4f}",
                str(v.metrics["rows"]),
            ]
            for v in versions
        ],
        right=frozenset({4, 5, 6, 7}),
    )
    return 0


def run_show(args: Namespace) -> int:
    from app.services.recovery_models import ModelRegistry

    found = ModelRegistry(models_dir(args)).show(args.kind, args.version)
    if args.json:
        emit_json({"path": str(found.path), "current": found.current, **found.metrics})
        return 0
    metrics = found.metrics
    window = metrics["data_window"]
    emit_pairs(
        [
            ("kind", f"{found.kind} ({metrics['algorithm']})"),
            ("version", found.version + (" (current)" if found.current else " (not current)")),
            ("promoted", f"{'yes' if found.promoted else 'no'} - {metrics['reason']}"),
            ("trained at", metrics["trained_at"]),
            ("data", f"{window['rows']} rows, {window['first']} .. {window['last']}"),
            ("split", f"{metrics['split']}, {metrics['held_out_rows']} held out"),
            ("code", metrics["code_version"]),
            ("path", str(found.path)),
        ]
    )
    _print_figures(metrics, indent="")
    return 0


def _verdict_line(outcome: Any) -> str:
    if outcome.version is None:
        return f"{outcome.kind} model not trained - {outcome.reason}"
    verdict = "promoted" if outcome.promoted else "refused"
    return f"{outcome.kind} model {verdict} {outcome.version} - {outcome.reason}"


def _summary(metrics: dict[str, Any]) -> dict[str, Any]:
    return {
        "promoted": metrics["promoted"],
        "trained_at": metrics["trained_at"],
        "auc": metrics["metrics"]["auc"],
        "brier": metrics["metrics"]["brier"],
        "baseline_auc": metrics["baseline"]["auc"],
        "baseline_brier": metrics["baseline"]["brier"],
        "rows": metrics["rows"],
        "data_window": metrics["data_window"],
    }


def _print_figures(metrics: dict[str, Any], indent: str) -> None:
    ours, baseline = metrics["metrics"], metrics["baseline"]
    print(
        f"{indent}held-out ROC AUC {ours['auc']:.3f} (baseline {baseline['auc']:.3f}), "
        f"Brier {ours['brier']:.4f} (baseline {baseline['brier']:.4f}), "
        f"{metrics['held_out_rows']} of {metrics['rows']} rows held out ({metrics['split']})"
    )
    top = list(metrics["importances"].items())[:5]
    named = ", ".join(f"{name} {value:.3f}" for name, value in top)
    print(f"{indent}top features ({metrics['importance_method']}): {named}")


def start_weekly_retraining(
    engine: Any, folder: Path, stop: threading.Event, clock: Any, check_seconds: float
) -> threading.Thread | None:
    """For `recovery run`: every `check_seconds`, retrain the kinds a week old, in the
    background. A failed training is logged and the service goes on charging."""
    if check_seconds <= 0:
        return None
    from app.services.recovery_model_training import retrain_if_due

    def loop() -> None:
        while not stop.wait(check_seconds):
            try:
                for outcome in retrain_if_due(folder, engine, clock()):
                    print(f"tilldesk: {_verdict_line(outcome)}", file=sys.stderr, flush=True)
            except Exception:
                log.exception("retraining the prediction models failed; the service goes on")

    thread = threading.Thread(target=loop, name="model-retraining", daemon=True)
    thread.start()
    return thread


def run_warn(args: Namespace) -> int:
    """Each due charge at or above the threshold, riskiest first, with its risk."""
    from app.services.failure_warnings import read_due_charges, warn
    from app.services.recovery_database import open_recovery_database, recovery_db_url
    from app.services.recovery_model_data import RecoveryRecords, charges_from_history
    from app.services.recovery_portfolio import read_portfolio

    due = read_due_charges(args.due)
    if args.portfolio:
        past = charges_from_history(read_portfolio(args.portfolio).history)
    else:
        engine = open_recovery_database(recovery_db_url(getattr(args, "db", None)))
        try:
            past = RecoveryRecords(engine).charges()
        finally:
            engine.dispose()
    warnings = warn(models_dir(args), due, past, args.threshold)
    rows = [
        {
            "consumer_id": w.charge.consumer_id,
            "due_at": w.charge.due_at.isoformat(),
            "amount_minor": w.charge.amount_minor,
            "currency": w.charge.currency,
            "method": w.charge.method,
            "risk": round(w.risk, 4),
        }
        for w in warnings
    ]
    if args.json:
        emit_json(rows)
        return 0
    if not rows:
        print(f"No due charge at or above {args.threshold:.0%} risk.")
        return 0
    emit_table(
        ["consumer", "due", "amount", "method", "risk"],
        [
            [
                w.charge.consumer_id,
                w.charge.due_at.isoformat()[:16],
                f"{w.charge.amount_minor} {w.charge.currency}",
                w.charge.method,
                f"{w.risk:.0%}",
            ]
            for w in warnings
        ],
    )
    return 0
