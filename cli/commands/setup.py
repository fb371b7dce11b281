"""`tilldesk init` and `tilldesk demo`: set a counter up, load the demo data."""

import secrets
from argparse import Namespace, _SubParsersAction

from cli.context import database_path, open_db
from cli.output import emit_json, emit_pairs, plain
from cli.progress import progress_for

DEMO_ADMIN_PIN = "0000"


def register(sub: _SubParsersAction, common: list) -> None:
    init = sub.add_parser("init", parents=common, help="set up this counter's database")
    init.add_argument("--terminal", default="T01", help="terminal code, e.g. T01")
    init.add_argument("--name", default="Counter 1", help="terminal name")
    init.add_argument("--admin-pin", help="PIN of the built-in admin (generated if omitted)")
    init.set_defaults(run=run_init)

    demo = sub.add_parser("demo", parents=common, help="load the spec's sample and demo data")
    demo.add_argument("--consumers", type=int, default=200, help="generated consumers")
    demo.add_argument("--seed", type=int, default=7, help="random seed")
    demo.set_defaults(run=run_demo)


def run_init(args: Namespace) -> int:
    from app.services.setup import initialise

    pin = args.admin_pin or f"{secrets.randbelow(10**6):06d}"
    db = open_db(args)
    result = initialise(db, terminal_code=args.terminal, terminal_name=args.name, admin_secret=pin)
    shown_pin = pin if result.created and not args.admin_pin else None
    if args.json:
        emit_json(
            {
                "database": str(database_path(args)),
                "terminal": result.terminal_code,
                "created": result.created,
                "admin_pin": shown_pin,
            }
        )
        return 0
    if not result.created:
        print(f"Already set up as terminal {result.terminal_code}: {database_path(args)}")
        return 0
    emit_pairs(
        [
            ("Database", str(database_path(args))),
            ("Terminal", result.terminal_code),
            ("Admin user", "admin"),
            ("Admin PIN", shown_pin),
        ]
    )
    if shown_pin:
        print("Write the admin PIN down now: it is not shown again.")
    return 0


def run_demo(args: Namespace) -> int:
    from app.demo.demo_data import load_demo
    from app.services.setup import initialise

    if args.consumers < 0:
        raise SystemExit("--consumers must be zero or more")
    db = open_db(args)
    setup = initialise(
        db, terminal_code="T01", terminal_name="Demo counter", admin_secret=DEMO_ADMIN_PIN
    )
    # A counter set up before (`tilldesk init`) keeps the admin PIN it was given then.
    admin_pin = DEMO_ADMIN_PIN if setup.created else None
    with progress_for(quiet=args.json) as progress:
        summary = load_demo(db, consumers=args.consumers, seed=args.seed, progress=progress)
    if args.json:
        emit_json(
            {"database": str(database_path(args)), "summary": summary, "admin_pin": admin_pin}
        )
        return 0
    print(f"Demo data loaded into {database_path(args)}")
    emit_pairs(
        [(key.replace("_", " ").capitalize(), value) for key, value in plain(summary).items()]
    )
    admin = f"PIN {admin_pin}" if admin_pin else "the PIN given at 'tilldesk init'"
    print(
        "Sign in as jsmith (cashier, PIN 1234), mbrown (billing manager, PIN 2345), "
        f"rpatel (recovery executive, PIN 3456) or admin ({admin})."
    )
    return 0
