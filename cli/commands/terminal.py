"""`tilldesk terminal register`: connect this counter to the central server."""

import getpass
import os
from argparse import Namespace, _SubParsersAction

from app.domain.errors import UserFacingError
from cli.context import open_db
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
    reg.set_defaults(run=run_register)


def _credentials() -> tuple[str, str]:
    user = os.environ.get("TILLDESK_ADMIN_USER") or input("Server admin user: ").strip()
    password = os.environ.get("TILLDESK_ADMIN_PASSWORD")
    if password is None:
        password = getpass.getpass("Server admin password: ")
    if not user or not password:
        raise UserFacingError("A server admin's user name and password are required.")
    return user, password


def run_register(args: Namespace) -> int:
    if args.ca and not os.path.isfile(args.ca):
        raise UserFacingError(f"No CA file at {args.ca}.")
    from sync.client.register import register_terminal  # requests/keyring only when needed

    user, password = _credentials()
    db = open_db(args)
    try:
        done = register_terminal(
            db,
            server_url=args.server,
            code=args.code,
            username=user,
            password=password,
            ca_file=os.path.abspath(args.ca) if args.ca else None,
        )
    finally:
        db.close()
    if args.json:
        emit_json(done)
    else:
        emit_pairs([("Server", done.server_url), ("Terminal", done.terminal_code)])
        print("Registered; the token is in the OS keyring. Run 'tilldesk sync --once' next.")
    return 0
