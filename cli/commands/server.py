"""`tilldesk server ...`: run the central server, load its demo data, manage its admins.

The database is a PostgreSQL URL from --db or $TILLDESK_SERVER_DB. Every command migrates it
first, so a fresh database is ready after any of them.
"""

import getpass
import os
import sys
import tempfile
import time
from argparse import ArgumentParser, Namespace, _SubParsersAction
from datetime import UTC, datetime, timedelta
from pathlib import Path

DEFAULT_DB = "postgresql+psycopg://localhost/tilldesk"
# Names of the secrets `server set-secret` keeps (sync.server.keys.SECRET_NAMES; not imported
# here so that `tilldesk --help` does not load keyring).
SECRET_NAMES = (
    "stripe-webhook-secret",
    "nmi-signing-key",
    "stripe-secret-key",
    "nmi-security-key",
    "payment-link-secret",
)


def register(sub: _SubParsersAction, common: list) -> None:
    server = sub.add_parser("server", help="the central server (FastAPI on PostgreSQL)")
    commands = server.add_subparsers(dest="server_command", metavar="SUBCOMMAND")
    server.set_defaults(run=lambda args: server.print_help() or 2)

    def with_db(name: str, help_text: str) -> ArgumentParser:
        parser = commands.add_parser(name, help=help_text)
        parser.add_argument("--db", help="PostgreSQL URL (default: $TILLDESK_SERVER_DB)")
        parser.add_argument("--json", action="store_true", help="machine-readable output")
        return parser

    run = with_db("run", "migrate the database, then serve the sync API")
    run.add_argument("--host", default="127.0.0.1", help="address to listen on")
    run.add_argument("--port", type=int, default=8443, help="port to listen on")
    run.add_argument(
        "--tls-cert",
        "--cert",
        dest="tls_cert",
        help="your own PEM certificate (default: "
        "a self-signed one made on first run in --data-dir)",
    )
    run.add_argument("--tls-key", "--key", dest="tls_key", help="PEM private key of --cert")
    run.add_argument(
        "--data-dir",
        help="where the generated certificate lives (default: "
        "$TILLDESK_SERVER_DATA or the user's data directory)",
    )
    run.add_argument(
        "--cert-name",
        action="append",
        default=[],
        metavar="NAME",
        help="another host name or address counters use (first run: goes into the certificate)",
    )
    run.add_argument(
        "--insecure-http",
        action="store_true",
        help="serve plain HTTP: passwords and tokens cross the network in clear",
    )
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
    poller.add_argument(
        "--failed-lookback-days",
        type=float,
        default=3.0,
        help="with $TILLDESK_RECOVERY_DB: on start, ask the gateways for sales failed this far "
        "back (then each round since the last)",
    )
    poller.set_defaults(run=run_poll)

    epoch = with_db("new-epoch", "start a new epoch after a restore: counters resync")
    epoch.set_defaults(run=run_new_epoch)

    assign = with_db("assign-user", "let a user sign in at a site's counters (PIN hash sent)")
    assign.add_argument("user", help="user name")
    assign.add_argument("--site", required=True, help="site name, e.g. main")
    assign.add_argument("--remove", action="store_true", help="take the user off the site")
    assign.set_defaults(run=run_assign_user)
    place = with_db("terminal-site", "say which site a terminal stands in (default: main)")
    place.add_argument("code", help="terminal code, e.g. T01")
    place.add_argument("--site", required=True, help="site name")
    place.set_defaults(run=run_terminal_site)
    start = with_db("series-start", "set where a series without {TERM} starts (R-5001)")
    start.add_argument("series", choices=("payment", "transaction", "receipt", "credit_note"))
    start.add_argument("first", type=int, help="the first number to lease, e.g. 5001")
    start.add_argument("--period", default="", help='the year for a yearly format (default "")')
    start.set_defaults(run=run_series_start)


def _db_url(args: Namespace) -> str:
    return args.db or os.environ.get("TILLDESK_SERVER_DB") or DEFAULT_DB


def _migrated(args: Namespace) -> str:
    from sync.server.db import migrate_database

    url = _db_url(args)
    migrate_database(url)
    return url


def run_server(args: Namespace) -> int:
    """HTTPS unless --insecure-http: with the admin's certificate, or a generated one."""
    import uvicorn

    if bool(args.tls_cert) != bool(args.tls_key):
        raise SystemExit("--tls-cert and --tls-key go together")
    if args.insecure_http and args.tls_cert:
        raise SystemExit("--insecure-http serves without TLS: drop --tls-cert/--tls-key")
    if not (args.insecure_http or args.tls_cert):
        args.tls_cert, args.tls_key = _generated_certificate(args)
    elif args.insecure_http:
        print(_INSECURE_WARNING, file=sys.stderr, flush=True)
    url = _migrated(args)
    os.environ["TILLDESK_SERVER_DB"] = url  # the app factory reads it in worker processes
    uvicorn.run(
        "cli.wiring.server_app:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        log_level="info",
    )
    return 0


_INSECURE_WARNING = """\
WARNING: serving PLAIN HTTP (--insecure-http). Server admin passwords, terminal tokens and
every payment cross the network unencrypted; anyone on the path can read them and act as a
counter. Use this only on a network you fully trust, or drop --insecure-http to serve HTTPS."""


def _generated_certificate(args: Namespace) -> tuple[str, str]:
    """The self-signed certificate in the data directory (made on first run), and how counters
    pin it."""
    import socket

    from platformdirs import user_data_dir

    from sync.server.tls import ensure_certificate, machine_names, names_in

    folder = Path(
        args.data_dir
        or os.environ.get("TILLDESK_SERVER_DATA")
        or user_data_dir("tilldesk-server", appauthor=False)
    )
    made = ensure_certificate(folder, machine_names(args.host, args.cert_name))
    missing = set(args.cert_name) - names_in(made.cert)
    host = socket.gethostname() if args.host in ("0.0.0.0", "::") else args.host
    server_url = f"https://{host}:{args.port}"
    print(
        f"{'Generated a' if made.generated else 'Using the'} self-signed certificate {made.cert}\n"
        f"SHA-256 fingerprint: {made.fingerprint}\n"
        "Register each counter with:\n"
        f"  tilldesk terminal register --server {server_url} --code CODE "
        f"--fingerprint {made.fingerprint}\n"
        f"or copy {made.cert} to the counter and give --ca PATH instead of --fingerprint.",
        flush=True,
    )
    if missing:
        print(
            f"tilldesk: the existing certificate does not name {', '.join(sorted(missing))}; "
            f"delete {made.cert} and {made.key} to make a new one (counters must then pin "
            "the new fingerprint), or give your own with --cert/--key.",
            file=sys.stderr,
        )
    return str(made.cert), str(made.key)


def run_demo(args: Namespace) -> int:
    from app.db.database import open_database
    from app.demo.sample_data import load_sample
    from app.demo.words import demo_words
    from app.services.reference_export import export_reference
    from app.services.setup import initialise
    from sync.server import demo, reference, sites
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
        with engine.begin() as conn:  # the demo is one site: its staff sign in at every counter
            sites.assign_users(
                conn,
                [row["id"] for row in sample["user"]],
                sites.DEFAULT_SITE,
                now=datetime.now(UTC),
                actor="demo",
            )
        from cli.progress import progress_for

        with progress_for(quiet=bool(getattr(args, "json", False))) as progress:
            counts = demo.load_demo(
                engine,
                consumers_wanted=args.consumers,
                words=demo_words(),
                seed=args.seed,
                progress=progress,
            )
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


def run_assign_user(args: Namespace) -> int:
    """Counters of the site get the user's PIN hash on their next sync (or lose it)."""
    from sync.server.db import make_engine
    from sync.server.sites import SiteError, assign_user

    engine = make_engine(_migrated(args), pool_size=1)
    try:
        changed = assign_user(
            engine,
            args.user,
            args.site,
            now=datetime.now(UTC),
            actor=getpass.getuser(),
            assigned=not args.remove,
        )
    except SiteError as refused:
        print(f"tilldesk: {refused}", file=sys.stderr)
        return 3
    finally:
        engine.dispose()
    verb = "may no longer sign in" if args.remove else "may sign in"
    print(f"{args.user} {verb} at site {args.site}" + ("." if changed else " (no change)."))
    return 0


def run_terminal_site(args: Namespace) -> int:
    from sync.server.db import make_engine
    from sync.server.sites import SiteError, set_terminal_site

    engine = make_engine(_migrated(args), pool_size=1)
    try:
        set_terminal_site(
            engine, args.code, args.site, now=datetime.now(UTC), actor=getpass.getuser()
        )
    except SiteError as refused:
        print(f"tilldesk: {refused}", file=sys.stderr)
        return 3
    finally:
        engine.dispose()
    print(f"Terminal {args.code} stands in site {args.site}.")
    return 0


def run_series_start(args: Namespace) -> int:
    """Once before the first number is leased, or later only upward: never a duplicate."""
    from sync.server.db import make_engine
    from sync.server.series_starts import SeriesStartRefused, set_series_start

    engine = make_engine(_migrated(args), pool_size=1)
    try:
        with engine.begin() as conn:
            set_series_start(
                conn, args.series, args.period, args.first,
                actor=getpass.getuser(), now=datetime.now(UTC),
            )  # fmt: skip
    except SeriesStartRefused as refused:
        print(f"tilldesk: {refused}", file=sys.stderr)
        return 3
    finally:
        engine.dispose()
    print(f"The {args.series.replace('_', ' ')} series starts at {args.first}.")
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
    from cli.wiring.server_options import RECOVERY_DB_VARIABLE
    from cli.wiring.server_recovery_intake import failed_sales_to_recovery, intake_hook
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
    recovery_db = os.environ.get(RECOVERY_DB_VARIABLE)
    hooks = [intake_hook(recovery_db)] if recovery_db else []  # failures open recovery cases
    # Failed sales the server never heard of (a webhook lost, a charge made elsewhere): asked
    # for each round, the window overlapping the last one (the intake is idempotent).
    failed_since = datetime.now(UTC) - timedelta(days=args.failed_lookback_days)
    try:
        while True:
            started = datetime.now(UTC)
            summary = poll_gateways(engine, adapters, lambda: datetime.now(UTC), hooks)
            if recovery_db:
                opened = failed_sales_to_recovery(recovery_db, adapters, failed_since)
                failed_since = started - timedelta(hours=1)
                print(f"recovery cases opened from failed sales: {opened}", flush=True)
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
