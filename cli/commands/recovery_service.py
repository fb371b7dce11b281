"""`tilldesk recovery run|cases|case|pause|resume|stop|import|demo` over a recovery database."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
from argparse import Namespace, _SubParsersAction
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from signal import SIGINT, SIGTERM
from typing import TYPE_CHECKING

from app.domain.errors import UserFacingError
from app.recovery.policy_names import POLICIES
from app.services.recovery_cases import STATUSES
from app.services.recovery_database import DB_VARIABLE as RECOVERY_DB_VARIABLE
from cli.commands import recovery_models
from cli.output import emit_json, emit_pairs, emit_table, money

if TYPE_CHECKING:
    from sqlalchemy import Engine

EXIT_ROWS_REFUSED = 3
DB_VARIABLE = RECOVERY_DB_VARIABLE
GATEWAYS_VARIABLE = "TILLDESK_RECOVERY_GATEWAYS"


def register_service(verbs: _SubParsersAction, common: list) -> None:
    run = verbs.add_parser("run", parents=common, help="the recovery service (until SIGTERM)")
    run.add_argument(
        "--gateway",
        action="append",
        default=[],
        metavar="NAME[=URL]",
        help="a gateway to charge through (nmi, stripe; =URL for a loopback test), or 'demo'"
        f" (default: ${GATEWAYS_VARIABLE}, comma-separated)",
    )
    run.add_argument("--policy", default="smart", choices=POLICIES)
    run.add_argument("--model", type=Path, help="a trained model (joblib) for the smart policy")
    run.add_argument(
        "--messaging",
        type=Path,
        metavar="FILE",
        help="TOML of messaging.* settings (public_url, email/sms/whatsapp channels): reminders "
        "are sent for real; without it they are only logged",
    )
    run.add_argument("--worker-id", default=f"{socket.gethostname()}-{os.getpid()}")
    run.add_argument("--lease-seconds", type=float, default=300.0)
    run.add_argument("--poll-seconds", type=float, default=2.0)
    run.add_argument("--once", action="store_true", help="stop when no case is due")
    run.add_argument("--models", type=Path, help=recovery_models.MODELS_HELP)
    run.add_argument(
        "--model-check-seconds",
        type=float,
        default=600.0,
        help="how often to check whether the weekly retraining of the prediction models is "
        "due (0: never retrain)",
    )
    run.set_defaults(run=run_service)

    cases = verbs.add_parser("cases", parents=common, help="list recovery cases")
    cases.add_argument("--status", choices=STATUSES)
    cases.set_defaults(run=run_cases)

    case = verbs.add_parser("case", parents=common, help="one case's timeline")
    case.add_argument("case_id")
    case.set_defaults(run=run_case)

    for verb in ("pause", "resume", "stop"):
        change = verbs.add_parser(verb, parents=common, help=f"{verb} a case, saying why")
        change.add_argument("case_id")
        change.add_argument("--reason", required=True)
        change.set_defaults(run=run_change, verb=verb)

    imports = verbs.add_parser("import", parents=common, help="open cases from a cases.csv")
    imports.add_argument("file", type=Path)
    imports.add_argument("--consumers", type=Path, help="a consumers.csv for new consumers")
    imports.set_defaults(run=run_import)

    demo = verbs.add_parser("demo", parents=common, help="a small portfolio of failed payments")
    demo.add_argument(
        "--rich",
        action="store_true",
        help="also about 270 cases of 150 consumers with credits, attempts, reminders and "
        "payments so far (for the screens and analytics)",
    )
    demo.set_defaults(run=run_demo)


def open_recovery_db(args: Namespace) -> Engine:
    """--db URL (sqlite:///FILE, postgresql://...) or a file path; migrated to head."""
    from app.services.recovery_database import open_recovery_database, recovery_db_url

    return open_recovery_database(recovery_db_url(getattr(args, "db", None)))


def run_service(args: Namespace, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> int:
    # The engine, its models (scikit-learn) and the gateway adapters load only for `run`.
    from app.recovery.code_tables import load_decline_codes
    from app.services.recovery_model_odds import promoted_odds
    from app.services.recovery_models import ModelRegistry
    from app.services.recovery_run import Worker
    from app.services.recovery_state import load_model
    from app.services.recovery_templates import template_library
    from cli.wiring.recovery_companions import run_after_once, start_companions
    from cli.wiring.recovery_messaging import build_messaging
    from sync.gateways.errors import MissingKey
    from sync.recovery.gateway import AdapterGateway, DemoGateway, adapters_from

    template_library()  # a broken reminder template stops the service now, not at a send
    logging.getLogger("app.services").setLevel(logging.INFO)
    logging.getLogger("sync.recovery").setLevel(logging.INFO)
    engine = open_recovery_db(args)
    chosen = args.gateway or [g for g in os.environ.get(GATEWAYS_VARIABLE, "").split(",") if g]
    if not chosen:
        raise UserFacingError(
            f"Name the gateways to charge through: --gateway nmi --gateway stripe (or "
            f"${GATEWAYS_VARIABLE}=nmi,stripe); --gateway demo for the demo portfolio."
        )
    names = dict(g.strip().partition("=")[::2] for g in chosen)
    try:
        gateway = DemoGateway() if "demo" in names else AdapterGateway(adapters_from(names))
    except (LookupError, MissingKey) as error:
        raise UserFacingError(str(error)) from None
    messaging = build_messaging(engine, args.messaging, clock)
    odds, odds_note = promoted_odds(ModelRegistry(recovery_models.models_dir(args)))
    print(f"tilldesk: {odds_note}", file=sys.stderr, flush=True)
    worker = Worker(
        engine=engine,
        gateway=gateway,
        messenger=messaging.messenger,
        codes=load_decline_codes(),
        clock=clock,
        worker_id=args.worker_id,
        policy=args.policy,
        model=load_model(args.model),
        lease=timedelta(seconds=args.lease_seconds),
        odds=odds,
        odds_note=odds_note,
    )
    stop = threading.Event()
    # SIGTERM: finish the case in hand, then leave with 0 (the lease and the records are saved).
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in (SIGTERM, SIGINT)}
    print(f"tilldesk: recovery worker {args.worker_id} running", file=sys.stderr, flush=True)
    retraining = recovery_models.start_weekly_retraining(
        engine, recovery_models.models_dir(args), stop, clock, args.model_check_seconds
    )
    companions = start_companions(
        engine,
        stop,
        clock=clock,
        poll_seconds=args.poll_seconds,
        once=args.once,
        messenger=worker.messenger,
        notifiers=messaging.alert_notifiers,
    )
    try:
        tally = worker.run(stop, once=args.once, poll=args.poll_seconds)
        if args.once:
            run_after_once(
                engine,
                clock=clock,
                messenger=worker.messenger,
                notifiers=messaging.alert_notifiers,
            )
    finally:
        stop.set()
        if retraining is not None:
            retraining.join()  # a training under way finishes before the engine goes
        for companion in companions:
            companion.join()
        for number, handler in previous.items():
            signal.signal(number, handler)
        engine.dispose()
    summary = {
        "worker": args.worker_id,
        "visits": tally.visits,
        "attempts": tally.attempts,
        "reconciled": tally.reconciled,
        "messages": tally.messages,
        "errors": tally.errors,
    }
    if args.json:
        emit_json(summary)
    else:
        emit_pairs([(k, str(v)) for k, v in summary.items() if k != "errors"])
    return 0


def run_cases(args: Namespace) -> int:
    from app.services.recovery_cases import list_cases

    rows = list_cases(open_recovery_db(args), args.status)
    if args.json:
        emit_json(rows)
        return 0
    emit_table(
        ["case", "consumer", "owed", "recovered", "category", "status", "next"],
        [
            [
                r["id"],
                r["consumer_id"],
                money(
                    r["amount_minor"] - r["recovered_minor"] - r["written_off_minor"],
                    r["currency"],
                )
                or "",
                money(r["recovered_minor"], r["currency"]) or "",
                r["category"],
                r["status"],
                f"{r['next_at']:%Y-%m-%d %H:%M}Z" if r["next_at"] else "-",
            ]
            for r in rows
        ],
        right=frozenset({2, 3}),
    )
    return 0


def run_case(args: Namespace) -> int:
    from app.services.recovery_cases import case_timeline

    case, entries = case_timeline(open_recovery_db(args), args.case_id)
    if args.json:
        emit_json({"case": case, "timeline": [e.__dict__ for e in entries]})
        return 0
    emit_pairs(
        [
            ("case", case["id"]),
            ("consumer", case["consumer_id"]),
            ("amount", money(case["amount_minor"], case["currency"])),
            ("recovered", money(case["recovered_minor"], case["currency"])),
            *(
                [("written off", money(case["written_off_minor"], case["currency"]))]
                if case.get("written_off_minor")
                else []
            ),
            (
                "status",
                f"{case['status']}"
                + (f" ({case['status_reason']})" if case["status_reason"] else ""),
            ),
        ]
    )
    print()
    for entry in entries:
        print(f"{entry.at:%Y-%m-%d %H:%M:%S}Z  {entry.kind:<8}  {entry.text}")
    return 0


def run_change(args: Namespace) -> int:
    from app.services.recovery_cases import change_status

    status = change_status(
        open_recovery_db(args), args.case_id, args.verb, args.reason, datetime.now(UTC)
    )
    if args.json:
        emit_json({"case": args.case_id, "status": status})
    else:
        print(f"Case {args.case_id} is {status}.")
    return 0


def run_import(args: Namespace) -> int:
    from app.services.recovery_intake import import_csv

    report = import_csv(open_recovery_db(args), args.file, args.consumers)
    for refused in report.refused:
        print(f"tilldesk: refused {refused}", file=sys.stderr)
    if args.json:
        emit_json(report.__dict__)
    else:
        emit_pairs(
            [
                ("added", str(len(report.added))),
                ("already known", str(len(report.already_known))),
                ("refused", str(len(report.refused))),
            ]
        )
    return EXIT_ROWS_REFUSED if report.refused else 0


def run_demo(args: Namespace) -> int:
    from app.demo.words import person_names
    from app.services.recovery_intake import demo_failures, intake, save_consumers

    engine = open_recovery_db(args)
    names = person_names(200)  # DC001.. and RC0001.. are people, as the counter's consumers are
    consumers, failures = demo_failures(datetime.now(UTC), names=names)
    save_consumers(engine, consumers)
    report = intake(engine, "demo", failures)
    if getattr(args, "rich", False):
        from app.services.recovery_demo import rich_demo

        rich = rich_demo(engine, datetime.now(UTC), names=names[len(consumers) :])
        if not args.json:
            print(
                f"Rich demo: {rich.cases} cases of {rich.consumers} consumers, "
                f"{rich.attempts} attempts, {rich.paid} paid so far."
                if not rich.already_there
                else "Rich demo: already there."
            )
    if args.json:
        emit_json(report.__dict__)
    else:
        print(
            f"{len(report.added)} demo cases opened ({len(report.already_known)} were there). "
            f"Now run: tilldesk recovery run --db DB --gateway demo --once (add --policy daily-3 "
            "to see charges at once), then "
            "tilldesk recovery cases --db DB"
        )
    return 0
