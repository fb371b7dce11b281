"""The `tilldesk` console script: one entry point, a subcommand per job."""

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from typing import Any

from app.domain.errors import UserCancelled, UserFacingError
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


class _VersionAction(argparse._VersionAction):
    """--version, with the version looked up when asked for (the package metadata takes a
    while to read, and every other command line would pay for it)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        self.version = f"tilldesk {_version()}"
        super().__call__(parser, *args, **kwargs)


# Each command word and the module (cli/commands/<module>.py) that registers it, in the order
# `tilldesk --help` lists them. `tilldesk WORD ...` imports WORD's module alone: importing them
# all (and the services they use) took more than a second of every call.
# tests/unit/test_command_table.py checks this table against what the modules register.
COMMAND_MODULES: dict[str, str] = {
    "client": "client",
    "init": "setup",
    "demo": "setup",
    "consumers": "consumers",
    "pay": "payments",
    "payments": "payments",
    "credit-notes": "credit_notes",
    "kpis": "reports",
    "audit": "reports",
    "bench": "reports",
    "receipt": "printing",
    "print-test": "printing",
    "printers": "printing",
    "print-queue": "printing",
    "doctor": "doctor",
    "shift": "shift",
    "users": "admin",
    "settings": "admin",
    "server": "server",
    "terminal": "terminal",
    "sync": "sync",
    "recovery": "recovery",
    "experiments": "experiments",
    "reconcile": "reconcile",
    "disputes": "disputes",
    "circumstances": "disputes",
    "plans": "plans",
}
ALL_MODULES = tuple(dict.fromkeys(COMMAND_MODULES.values()))


def build_parser(*, modules: Sequence[str] = ALL_MODULES) -> argparse.ArgumentParser:
    """The parser of the commands the `modules` register (default: every command)."""
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
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.add_argument("--db", help=argparse.SUPPRESS)
    for name in modules:
        # The modules are cli.commands' own (the bundle's spec collects every one of them).
        import_module(f"cli.commands.{name}").register(sub, [common])
    return parser


def modules_for(argv: Sequence[str]) -> tuple[str, ...]:
    """The command modules a command line needs: its command's alone, the client's for the
    window or --version, every one for the list of commands (--help, a mistyped command)."""
    words = iter(argv)
    for word in words:
        if word == "--db":
            next(words, None)  # its value, which may be any word
        elif word.startswith("--db="):
            continue
        elif word == "--version":
            return ("client",)
        elif word.startswith("-"):  # --help, or an abbreviation argparse may expand
            return ALL_MODULES
        else:
            module = COMMAND_MODULES.get(word)
            return ALL_MODULES if module is None else (module,)
    return ("client",)


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:  # the console: warnings only, whatever the
        handler.setLevel(logging.WARNING)  # client's log file takes (it lowers the root level)
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser(modules=modules_for(words))
    args = parser.parse_args(words)
    run = getattr(args, "run", None)
    if run is None:
        from cli.commands.client import run_client_command

        run = run_client_command
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
