"""`tilldesk server ...`: run the central server, load its demo data, manage its admins.

The database is a PostgreSQL URL from --db or $TILLDESK_SERVER_DB. Every command migrates it
first, so a fresh database is ready after any of them.
"""

import getpass
import os
import sys
import tempfile
import time
from argparse import Namespace, _SubParsersAction
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_DB = "postgresql+psycopg://localhost/tilldesk"
# Names of the secrets `server set-secret` keeps (sync.server.keys.SECRET_NAMES; not imported
# here so that `tilldesk --help` does not load keyring).
SECRET_NAMES = ("stripe-webhook-secret", "nmi-signing-key", "stripe-secret-key", "nmi-security-key")


def register(sub: _SubParsersAction, common: list) -> None:
    server = sub.add_parser("server", help="the central server (FastAPI on PostgreSQL)")
    commands = server.add_subparsers(dest="server_command", metavar="SUBCOMMAND")
    server.set_defaults(run=lambda args: server.print_help() or 2)

    def with_db(name: str, help_text: str) -> object:
        parser = commands.add_parser(name, help=help_text)
        parser.add_argument("--db", help="PostgreSQL URL (default: $TILLDESK_SERVER_DB)")
        parser.add_argument("--json", action="store_true", help="machine-readable output")
        return parser

    run = with_db("run", "migrate the database, then serve the sync API")
    run.add_argument("--host", default="127.0.0.1", help="address to listen on")
    run.add_argument("--port", type=int, default=8443, help="port to listen on")
    run.add_argument("--tls-cert", help="PEM certificate (serve HTTPS)")
    run.add_argument("--tls-key", help="PEM private key of --tls-cert")
    run.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    run.set_defaults(run=run_server)

    demo = with_db("demo", "load the spec's sample and generated demo consumers")
    demo.add_argument("--consumers", type=int, default=200, help="generated consumers")
    demo.add_argument("--seed", type=int, default=7, help="random seed")
    demo.set_defaults(run=run_demo)

    admin = with_db("add-admin", "add a server admin (password from a prompt or env)")
    admin.add_argument("user", help="admin user name")
    admin.set_defaults(run=run_add_admin)

    secret = commands.add_parser("set-secret", help="keep a gateway secret in the OS keyring")
    secret.add_argument(
        "name",
        choices=SECRET_NAMES,
    )
    secret.set_defaults(run=run_set_secret)

    poller = with_db("poll", "ask Stripe and NMI about online payments not final yet")
    poller.add_argument("--once", action="store_true", help="one round, then exit")
    poller.add_argument("--interval", type=float, default=300.0, help="seconds between rounds")
    poller.add_argument("--stripe-url", help="Stripe API base URL (default: Stripe's)")
    poller.add_argument("--nmi-url", help="NMI API base URL (default: NMI's)")
    poller.set_defaults(run=run_poll)

    epoch = with_db("new-epoch", "start a new epoch after a restore: counters resync")
    epoch.set_defaults(run=run_new_epoch)


def _db_url(args: Namespace) -> str:
    return args.db or os.environ.get("TILLDESK_SERVER_DB") or DEFAULT_DB


def _migrated(args: Namespace) -> str:
    from sync.server.db import migrate_database

    url = _db_url(args)
    migrate_database(url)
    return url


def run_server(args: Namespace) -> int:
    import uvicorn

    if bool(args.tls_cert) != bool(args.tls_key):
        raise SystemExit("--tls-cert and --tls-key go together")
    url = _migrated(args)
    os.environ["TILLDESK_SERVER_DB"] = url  # the app factory reads it in worker processes
    uvicorn.run(
        "sync.server.app:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        log_level="info",
    )
    return 0


def run_demo(args: Namespace) -> int:
    from app.db.database import open_database
    from app.services.reference_export import export_reference
    from app.services.sample_data import load_sample
    from app.services.setup import initialise
    from sync.server import demo, reference
    from sync.server.db import make_engine

    if not 0 <= args.consumers <= demo.MAX_CONSUMERS:
        raise SystemExit(f"--consumers must be between 0 and {demo.MAX_CONSUMERS:,}")
    url = _migrated(args)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        counter = open_database(Path(scratch) / "sample.sqlite")
        initialise(counter, terminal_code="T01", admin_secret="0000")
        load_sample(counter)
        sample = export_reference(counter)
        counter.close()
    engine = make_engine(url, pool_size=1)
    try:
        if demo.already_loaded(engine):
            print("tilldesk: Demo data is already loaded.", file=sys.stderr)
            return 3
        reference.put(engine, sample, datetime.now(UTC))  # first: its numbers are then taken
        counts = demo.load_demo(engine, consumers_wanted=args.consumers, seed=args.seed)
    finally:
        engine.dispose()
    seconds = round(time.monotonic() - started, 1)
    facts = {
        "consumers": counts.consumers + len(sample["consumer"]),
        "bills": counts.bills + len(sample["bill"]),
        "service_charges": counts.service_charges + len(sample["service_charge"]),
        "users": len(sample["user"]),
        "seconds": seconds,
    }
    if args.json:
        from cli.output import emit_json

        emit_json(facts)
    else:
        for key, value in facts.items():
            print(f"{key.replace('_', ' ').capitalize():<16} {value}")
    return 0


def run_add_admin(args: Namespace) -> int:
    from sync.server.admins import BadPassword, add_admin
    from sync.server.db import make_engine

    password = os.environ.get("TILLDESK_ADMIN_PASSWORD")
    if password is None:
        password = getpass.getpass(f"Password for {args.user}: ")
        if getpass.getpass("Again: ") != password:
            print("tilldesk: the passwords differ", file=sys.stderr)
            return 3
    engine = make_engine(_migrated(args), pool_size=1)
    try:
        add_admin(engine, args.user, password, datetime.now(UTC), actor=getpass.getuser())
    except BadPassword as refused:
        print(f"tilldesk: {refused}", file=sys.stderr)
        return 3
    finally:
        engine.dispose()
    print(f"Server admin {args.user} can now register terminals.")
    return 0


def run_new_epoch(args: Namespace) -> int:
    from sync.server.db import make_engine, start_new_epoch

    engine = make_engine(_migrated(args), pool_size=1)
    try:
        value = start_new_epoch(engine, actor=getpass.getuser())
    finally:
        engine.dispose()
    print(f"New epoch {value}: every counter will pull from the start and re-send what is missing.")
    return 0


def run_set_secret(args: Namespace) -> int:
    """The value comes from a prompt, or $TILLDESK_SECRET for scripted installs."""
    from sync.server.keys import NoSafeKeyring, store_secret

    value = os.environ.get("TILLDESK_SECRET") or getpass.getpass(f"{args.name}: ")
    if not value:
        print("tilldesk: an empty secret was not stored", file=sys.stderr)
        return 3
    try:
        store_secret(args.name, value)
    except NoSafeKeyring as refused:
        print(f"tilldesk: {refused.message}", file=sys.stderr)
        return 3
    print(f"{args.name} is in the keyring (service tilldesk-server).")
    return 0


def run_poll(args: Namespace) -> int:
    """Gateways without keys in the keyring are skipped with a note; the others are polled."""
    from sync.gateways.config import nmi_adapter, stripe_adapter
    from sync.gateways.errors import GatewayError
    from sync.server.db import make_engine
    from sync.server.polling import poll_gateways

    adapters = {}
    for name, make, url in (
        ("stripe", stripe_adapter, args.stripe_url),
        ("nmi", nmi_adapter, args.nmi_url),
    ):
        try:
            adapters[name] = make(base_url=url)
        except GatewayError as missing:
            print(f"{name}: not polled - {missing.message}", file=sys.stderr)
    if not adapters:
        return 3
    engine = make_engine(_migrated(args), pool_size=1)
    try:
        while True:
            summary = poll_gateways(engine, adapters, lambda: datetime.now(UTC))
            print(
                f"asked {summary.asked}, moved forward {len(summary.moved)}"
                + (f", no answer from {', '.join(summary.down)}" if summary.down else ""),
                flush=True,
            )
            if args.once:
                return 4 if summary.down else 0
            time.sleep(max(args.interval, 5.0))
    except KeyboardInterrupt:
        return 130
    finally:
        engine.dispose()
