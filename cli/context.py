"""What every command needs: the database file chosen by --db, TILLDESK_DB or the default, and
the PIN of the user a command acts as."""

from __future__ import annotations

import getpass
import os
import sys
from argparse import ArgumentParser, Namespace
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_data_dir

from app.db.private_files import private_dir
from app.domain.errors import UserFacingError

if TYPE_CHECKING:  # SQLAlchemy: not loaded before the client's first frame (ui/app.py)
    from app.db.database import Database

PIN_VARIABLE = "TILLDESK_PIN"  # for scripts: the PIN of the --user (or admin) a command acts as


def database_path(args: Namespace) -> Path:
    chosen = getattr(args, "db", None) or os.environ.get("TILLDESK_DB")
    if chosen:
        return Path(chosen).expanduser()
    return default_database_path()


def default_database_path() -> Path:
    return Path(user_data_dir("tilldesk", appauthor=False)) / "tilldesk.sqlite"


def open_db(args: Namespace) -> Database:
    from app.db.database import open_database

    path = database_path(args)
    if path == default_database_path():  # Tilldesk's own folder: tightened if found looser
        private_dir(path.parent, tighten=True)
    return open_database(path)


def add_user_option(
    parser: ArgumentParser,
    help_text: str = "user acting (default: admin); their PIN is asked for, or $TILLDESK_PIN",
    *,
    when: Callable[[Namespace], bool] | None = None,
    **options: object,
) -> None:
    """`--user NAME`: the command acts as that user, who proves it with their PIN as on the
    screens. `when` narrows it to the options that act (a read-only view asks for nothing)."""
    parser.add_argument("--user", help=help_text, **options)  # type: ignore[arg-type]
    parser.set_defaults(acts_as_user=when or (lambda _args: True))


def acts_as_user(args: Namespace) -> bool:
    check = getattr(args, "acts_as_user", None)
    return bool(check and check(args))


def acting_pin(username: str) -> str:
    """$TILLDESK_PIN when a script set it, else a prompt at a terminal; never a guess."""
    pin = os.environ.get(PIN_VARIABLE)
    if pin:
        return pin
    if sys.stdin is not None and sys.stdin.isatty():
        pin = getpass.getpass(f"PIN for {username}: ")
        if pin:
            return pin
    raise UserFacingError(
        f"This command acts as {username} and needs their PIN: type it at the prompt, or set "
        f"{PIN_VARIABLE} for a script."
    )


def sign_in_acting_user(args: Namespace) -> None:
    """Check the PIN of the user the command acts as, with the counter's lockout, before the
    command touches anything. A wrong PIN counts towards the lockout as on the screens."""
    from app.services.actors import ADMIN_USERNAME, confirm_pin

    username = (args.user or ADMIN_USERNAME).strip()
    pin = acting_pin(username)
    database = open_db(args)
    try:
        confirm_pin(database.unit_of_work(), username, pin)
    finally:
        database.close()
