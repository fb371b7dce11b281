"""First run of an installed client: the answers a new counter needs, checked before anything
is written, then the counter set up in one go. Qt-free, so the wizard's logic is tested
headlessly (the screens in ui/first_run.py only collect and show)."""

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.numbers import get_territory_currencies, list_currencies

from app.db.database import open_database
from app.db.tables import LocalState
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


def needs_first_run(path: Path) -> bool:
    """No counter here yet: no file, or a file without a terminal (an aborted first start)."""
    if not path.exists():
        return True
    # A plain read-only query: this runs on every start of the client, before its window.
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as connection:
            row = connection.execute(
                f"SELECT 1 FROM {LocalState.__tablename__} WHERE key = 'terminal_id'"
            ).fetchone()
    except sqlite3.OperationalError:  # no such table: created but never set up
        return True
    return row is None


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


def set_up_counter(path: Path, answers: FirstRunAnswers) -> SetupResult:
    """Create the counter with these answers, or change nothing and say what is wrong."""
    problems = check_answers(answers)
    if problems:
        raise UserFacingError(next(iter(problems.values())))
    settings = Settings(currency=answers.currency, locale=answers.locale, timezone=answers.timezone)
    db = open_database(path)
    try:
        return initialise(
            db,
            terminal_code=answers.terminal_code,
            terminal_name=answers.terminal_name.strip(),
            admin_secret=answers.admin_pin,
            settings=settings,
        )
    finally:
        db.close()


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
