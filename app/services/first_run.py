"""First run of an installed client: the answers a new counter needs, checked before anything
is written, then the counter set up (and, when asked, registered with the central server) in one
go. Qt-free, so the wizard's logic is tested headlessly (ui/first_run.py only collects and shows).
"""

import contextlib
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.numbers import get_territory_currencies, list_currencies

from app.db.database import Database, open_database
from app.db.private_files import SQLITE_SIDE_FILES
from app.domain.errors import UserFacingError
from app.domain.settings import Settings
from app.services.setup import SetupResult, initialise
from app.services.users import check_pin

COMMON_CURRENCIES = ("USD", "INR", "AUD", "GBP", "EUR", "CAD", "ZAR", "KES", "NGN", "PHP")


@dataclass(frozen=True)
class FirstRunAnswers:
    terminal_code: str
    terminal_name: str
    currency: str
    locale: str
    timezone: str
    admin_pin: str
    admin_pin_again: str


@dataclass(frozen=True)
class ServerAnswers:
    """The optional central server: where it is, how its certificate is trusted, and the
    server admin whose name and password buy this counter its token."""

    url: str
    fingerprint: str = ""
    admin_user: str = ""
    admin_password: str = ""
    insecure_http: bool = False

    @property
    def wanted(self) -> bool:
        return bool(self.url.strip())


# Registers the counter open in the database it is given (a sync client's job, composed in
# cli/wiring/first_run.py: the core does not talk to servers); raises UserFacingError when refused.
Registrar = Callable[[Database], object]
# The registrar for these server answers, terminal code, and the folder beside the counter.
RegistrarFactory = Callable[[ServerAnswers, str, Path], Registrar]


def check_answers(answers: FirstRunAnswers) -> dict[str, str]:
    """Field -> what is wrong with it; empty when every answer can be used."""
    problems: dict[str, str] = {}
    code = answers.terminal_code.strip()
    if not code or len(code) > 8 or not code.isalnum():
        problems["terminal_code"] = "A terminal code is 1-8 letters or digits, such as T01."
    if not answers.terminal_name.strip():
        problems["terminal_name"] = "Give the counter a name people will recognise."
    if answers.currency not in list_currencies():
        problems["currency"] = f"Unknown currency '{answers.currency}': use an ISO code like USD."
    try:
        Locale.parse(answers.locale)
    except (UnknownLocaleError, ValueError):
        problems["locale"] = f"Unknown locale '{answers.locale}'."
    try:
        ZoneInfo(answers.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems["timezone"] = f"Unknown time zone '{answers.timezone}'."
    try:
        check_pin(answers.admin_pin)
    except UserFacingError as error:
        problems["admin_pin"] = error.message
    else:
        if answers.admin_pin != answers.admin_pin_again:
            problems["admin_pin_again"] = "The two PINs differ."
    return problems


def check_server_answers(server: ServerAnswers) -> dict[str, str]:
    """Field -> what is wrong with it; empty when there is no server or it can be tried."""
    if not server.wanted:
        return {}
    problems: dict[str, str] = {}
    parts = urlsplit(server.url.strip())
    fingerprint = server.fingerprint.strip().lower().removeprefix("sha256:").replace(":", "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems["url"] = (
            f"'{server.url.strip()}' is not a server address: use the https:// address that "
            "'tilldesk server run' prints, such as https://sync.example:8443."
        )
    elif parts.scheme == "http" and not server.insecure_http:
        problems["url"] = (
            "A plain http:// address sends the admin's password and this counter's token in "
            "clear: use the https:// address, or tick plain HTTP on a network you trust."
        )
    if fingerprint and (len(fingerprint) != 64 or not _is_hex(fingerprint)):
        problems["fingerprint"] = "A fingerprint is 64 hex digits (colons allowed), e.g. AB:CD:..."
    elif fingerprint and parts.scheme != "https":
        problems["fingerprint"] = "A fingerprint pins an https:// server's certificate."
    if not server.admin_user.strip() or not server.admin_password:
        problems["admin_user"] = "Give a server admin's user name and password."
    return problems


def set_up_counter(
    path: Path, answers: FirstRunAnswers, register: Registrar | None = None
) -> SetupResult:
    """Create the counter with these answers (and register it with `register`), or change
    nothing and say what is wrong.

    The counter is built in a file beside `path` and moved into place only once everything
    succeeded, so a refused registration leaves no counter behind and the next start asks
    again."""
    problems = check_answers(answers)
    if problems:
        raise UserFacingError(next(iter(problems.values())))
    settings = Settings(currency=answers.currency, locale=answers.locale, timezone=answers.timezone)
    staging = path.with_name(path.name + ".setting-up")
    _remove_database(staging)  # left by a start that was killed halfway
    try:
        db = open_database(staging)
        try:
            result = initialise(
                db,
                terminal_code=answers.terminal_code,
                terminal_name=answers.terminal_name.strip(),
                admin_secret=answers.admin_pin,
                settings=settings,
            )
            if register is not None:
                register(db)
        finally:
            db.close()
        _fold_wal(staging)
        _remove_database(path, keep_main=True)  # an aborted first start's -wal is not ours
        staging.replace(path)
    except BaseException:
        _remove_database(staging)
        raise
    return result


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


def _fold_wal(path: Path) -> None:
    """Write the WAL back into the file and drop it: only the file itself is moved."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        raise RuntimeError(f"{wal} still holds pages after a checkpoint")


def _remove_database(path: Path, *, keep_main: bool = False) -> None:
    for suffix in ("", *SQLITE_SIDE_FILES):
        if suffix or not keep_main:
            with contextlib.suppress(FileNotFoundError):
                path.with_name(path.name + suffix).unlink()


def suggested_answers(system_locale: str, system_zone: str | None) -> FirstRunAnswers:
    """What the wizard shows before anyone types: this machine's locale, its currency and zone."""
    try:
        locale = Locale.parse(system_locale.replace("-", "_"))
        locale_name = str(locale) if locale.territory else Settings().locale
    except (UnknownLocaleError, ValueError):
        locale_name = Settings().locale
    territory = Locale.parse(locale_name).territory or "US"
    currencies = get_territory_currencies(territory)
    currency = currencies[0] if currencies else Settings().currency
    try:
        zone = ZoneInfo(system_zone).key if system_zone else Settings().timezone
    except (ZoneInfoNotFoundError, ValueError):
        zone = Settings().timezone
    return FirstRunAnswers("T01", "Counter 1", currency, locale_name, zone, "", "")
