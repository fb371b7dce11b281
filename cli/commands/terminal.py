"""`tilldesk terminal register`: connect this counter to the central server."""

import getpass
import os
from argparse import Namespace, _SubParsersAction
from urllib.parse import urlsplit

from app.domain.errors import UserFacingError
from cli.context import database_path, open_db
from cli.output import emit_json, emit_pairs


def register(sub: _SubParsersAction, common: list) -> None:
    terminal = sub.add_parser("terminal", help="this counter's registration with the server")
    actions = terminal.add_subparsers(dest="terminal_command", metavar="ACTION", required=True)
    reg = actions.add_parser(
        "register",
        parents=common,
        help="register with the server (asks for a server admin's user and password; "
        "TILLDESK_ADMIN_USER / TILLDESK_ADMIN_PASSWORD for scripts)",
    )
    reg.add_argument("--server", required=True, help="server URL, e.g. https://sync.example:8443")
    reg.add_argument("--code", required=True, help="this counter's terminal code, e.g. T01")
    reg.add_argument("--ca", help="CA certificate file for a server with a private certificate")
    reg.add_argument(
        "--fingerprint",
        help="SHA-256 fingerprint of the server's self-signed certificate (printed by "
        "'tilldesk server run'): the certificate is pinned",
    )
    reg.add_argument(
        "--insecure-http",
        action="store_true",
        help="accept an http:// server: the admin's password and the token cross in clear",
    )
    reg.set_defaults(run=run_register)


def _credentials() -> tuple[str, str]:
    user = os.environ.get("TILLDESK_ADMIN_USER") or input("Server admin user: ").strip()
    password = os.environ.get("TILLDESK_ADMIN_PASSWORD")
    if password is None:
        password = getpass.getpass("Server admin password: ")
    if not user or not password:
        raise UserFacingError("A server admin's user name and password are required.")
    return user, password


def _checked_transport(args: Namespace) -> str | None:
    """Refuse plain HTTP unless explicitly accepted (the http:// URL stored is that choice,
    which later syncs follow); with --fingerprint, the CA file is the pinned certificate."""
    scheme = urlsplit(args.server).scheme.lower()
    if scheme not in ("http", "https"):
        raise UserFacingError(f"The server URL must start with https://, not {args.server}.")
    if scheme == "http" and not args.insecure_http:
        raise UserFacingError(
            f"{args.server} is plain HTTP: the server admin's password and this counter's "
            "token would cross the network in clear. Use the https:// address that "
            "'tilldesk server run' prints, or add --insecure-http on a network you trust."
        )
    if args.ca and not os.path.isfile(args.ca):
        raise UserFacingError(f"No CA file at {args.ca}.")
    if not args.fingerprint:
        return os.path.abspath(args.ca) if args.ca else None
    if args.ca or scheme != "https":
        raise UserFacingError("--fingerprint pins an https:// server's certificate; not with --ca.")
    from sync.client.http import pinned_certificate

    pem = pinned_certificate(args.server, args.fingerprint)
    where = urlsplit(args.server)
    pinned = database_path(args).parent / f"server-{where.hostname}-{where.port or 443}.pem"
    pinned.parent.mkdir(parents=True, exist_ok=True)
    pinned.write_text(pem)
    return str(pinned.resolve())


def run_register(args: Namespace) -> int:
    from sync.client.errors import ServerUnavailable

    try:
        return _register(args)
    except ServerUnavailable as error:  # out of reach, busy, or sign-ins locked out (429)
        raise UserFacingError(str(error)) from None


def _register(args: Namespace) -> int:
    ca_file = _checked_transport(args)
    from sync.client.register import register_terminal  # requests/keyring only when needed
    from sync.client.tokens import TokenStore

    TokenStore().check()  # no safe place for the token: say so before asking for a password
    user, password = _credentials()
    db = open_db(args)
    try:
        done = register_terminal(
            db,
            server_url=args.server,
            code=args.code,
            username=user,
            password=password,
            ca_file=ca_file,
        )
    finally:
        db.close()
    if args.json:
        emit_json(done)
    else:
        emit_pairs([("Server", done.server_url), ("Terminal", done.terminal_code)])
        print(
            f"Registered and confirmed; the token is in {done.token_kept_in}. "
            "Run 'tilldesk sync --once' next."
        )
    return 0
