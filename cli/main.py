"""The `tilldesk` console script: one entry point, a subcommand per job."""

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from app.domain.errors import UserCancelled, UserFacingError
from cli.commands import client
from cli.context import acts_as_user, sign_in_acting_user

EXIT_RULE = 3  # a rule said no: message on stderr, nothing written

log = logging.getLogger("tilldesk")


def _version() -> str:
    """The bundle's stamp (`git describe` at build time), else the installed package's version."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return (Path(bundle) / "VERSION").read_text().strip()
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tilldesk")
    except PackageNotFoundError:
        return "unknown"


def build_parser(*, client_only: bool = False) -> argparse.ArgumentParser:
    """Every command's parser; `client_only`: the client's alone, for the window's start-up
    (the other commands' modules take most of a second to import)."""
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand that is not given --db must not reset the value given before it
    # (`tilldesk --db X init` acts on X, never on the default database).
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="database file (default: $TILLDESK_DB or the user data dir); for recovery and "
        "experiments a file or URL (default: $TILLDESK_RECOVERY_DB)",
    )
    common.add_argument("--json", action="store_true", help="machine-readable output")
    parser = argparse.ArgumentParser(
        prog="tilldesk",
        description="Tilldesk: the counter and payment-recovery system of a utility service "
        "center.",
    )
    parser.add_argument("--version", action="version", version=f"tilldesk {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.add_argument("--db", help=argparse.SUPPRESS)
    client.register(sub, [common])
    if not client_only:
        _register_commands(sub, common)
    return parser


def _register_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from cli.commands import admin as admin_commands
    from cli.commands import consumers, credit_notes, doctor, payments, printing, reports, setup
    from cli.commands import disputes as dispute_commands
    from cli.commands import experiments as experiment_commands
    from cli.commands import plans as plan_commands
    from cli.commands import reconcile as reconcile_commands
    from cli.commands import recovery as recovery_commands
    from cli.commands import server as server_commands
    from cli.commands import shift as shift_commands
    from cli.commands import sync as sync_commands
    from cli.commands import terminal as terminal_commands

    for module in (setup, consumers, payments, credit_notes, reports, printing, doctor):
        module.register(sub, [common])
    shift_commands.register(sub, [common])
    admin_commands.register(sub, [common])
    server_commands.register(sub, [common])
    terminal_commands.register(sub, [common])
    sync_commands.register(sub, [common])
    recovery_commands.register(sub, [common])
    experiment_commands.register(sub, [common])
    reconcile_commands.register(sub, [common])
    dispute_commands.register(sub, [common])
    plan_commands.register(sub, [common])


def _runs_client(argv: Sequence[str]) -> bool:
    """`tilldesk` alone (options at most) or `tilldesk client ...`; never a help or version."""
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help", "--version"):
            return False
        if word == "--db":
            next(words, None)  # its value, which may be any word
        elif not word.startswith("-"):
            return word == "client"
    return True


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:  # the console: warnings only, whatever the
        handler.setLevel(logging.WARNING)  # client's log file takes (it lowers the root level)
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser(client_only=_runs_client(words))
    args = parser.parse_args(words)
    run = getattr(args, "run", None)
    if run is None:
        run = client.run_client_command
    try:
        if acts_as_user(args):
            sign_in_acting_user(args)
        return run(args)
    except UserFacingError as error:
        print(f"tilldesk: {error.message}", file=sys.stderr)
        return EXIT_RULE
    except UserCancelled:
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `tilldesk ... | head`: the reader left, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
