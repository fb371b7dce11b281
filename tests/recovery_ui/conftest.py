"""Recovery screens under test: the UI fixtures, and a recovery database beside the counter
holding the demo portfolio after one run of the engine, with six monthly salaries each."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.db.database import Database
from app.services.actors import sign_in
from app.services.recovery_database import DB_VARIABLE, shared_recovery_database
from app.services.recovery_intake import demo_failures, intake
from app.services.runtime import counter_for
from app.services.settings import current_settings
from app.services.smart_collect_credits import import_credits
from cli.main import main
from tests.ui.conftest import _nothing_outlives_its_test, _pools_gone_before_exit  # noqa: F401
from ui.app import apply_style
from ui.context import ClientContext

SHOTS = Path(os.environ.get("TILLDESK_SHOTS", "")) if os.environ.get("TILLDESK_SHOTS") else None


def _next_payday(today: date) -> date:
    """Five days or so ahead (never the 29th-31st, which short months lack): the demo's
    cases, due within a day, are then due before the optimal window."""
    payday = today + timedelta(days=5)
    return payday if payday.day <= 28 else payday + timedelta(days=32 - payday.day)


SOFT = "SOFT"  # the cases no engine has visited yet
NEXT_PAYDAY = _next_payday(datetime.now(UTC).date())
PAYDAY = NEXT_PAYDAY.day  # every demo consumer is paid on this day of the month
# The demo gateway approves by a hash of keys holding the time: which cases are still open
# after the run differs between runs, so the tests pick their cases from what is open.


def monthly_salary(consumer: str, months: int, payday: date) -> list[str]:
    """The salaries of the `months` months before `payday`'s."""
    lines = []
    year, month = payday.year, payday.month
    for _ in range(months):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        lines.append(f"{consumer},{date(year, month, PAYDAY)},2500.00,USD,bank,2900.00")
    return lines


@pytest.fixture(scope="session")
def portfolio_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: `recovery demo`, one `recovery run` (daily-3), six salaries each."""
    folder = tmp_path_factory.mktemp("recovery-ui")
    path = folder / "building.sqlite"
    assert main(["recovery", "demo", "--db", str(path)]) == 0
    run = ["recovery", "run", "--db", str(path), "--gateway", "demo", "--once",
           "--policy", "daily-3"]  # fmt: skip
    assert main(run) == 0
    credits = folder / "credits.csv"
    rows = [line for n in range(1, 9) for line in monthly_salary(f"DC{n:03d}", 6, NEXT_PAYDAY)]
    credits.write_text("consumer_id,date,amount,currency,source,balance\n" + "\n".join(rows))
    engine = shared_recovery_database(f"sqlite:///{path.resolve()}")
    # The run's outcomes vary (see above): a second failure for the consumers declined for
    # funds, opened after the run, is always open and never charged - the same every run.
    _consumers, failures = demo_failures(datetime.now(UTC), prefix=SOFT)
    intake(engine, "demo-soft", [f for f in failures if f.row.code == "insufficient_funds"])
    assert import_credits(engine, credits, datetime.now(UTC)).added == 48
    engine.dispose()
    # Whole, in one file: the engines of the commands above may still hold the WAL open.
    template = folder / "recovery.sqlite"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("VACUUM INTO ?", (str(template),))
    return template


@pytest.fixture
def empty_recovery(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The counter's recovery database, empty: the screens' URL follows the variable."""
    path = tmp_path / "recovery-empty.sqlite"
    monkeypatch.setenv(DB_VARIABLE, str(path))
    return f"sqlite:///{path.resolve()}"


@pytest.fixture
def recovery(portfolio_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh copy of the demo portfolio for this test."""
    path = tmp_path / "recovery.sqlite"
    shutil.copyfile(portfolio_template, path)
    monkeypatch.setenv(DB_VARIABLE, str(path))
    return f"sqlite:///{path.resolve()}"


@pytest.fixture(autouse=True)
def _styled(qapp) -> Iterator[None]:
    """The client's stylesheet: the bands' and charts' colours are its tones."""
    apply_style(qapp)
    yield
    qapp.setStyleSheet("")


def context_as(db: Database, username: str, pin: str) -> ClientContext:
    counter = counter_for(db)
    return ClientContext(
        counter=counter,
        settings=current_settings(counter.read()),
        actor=sign_in(counter.write(), username, pin),
        terminal_code="T01",
    )


@pytest.fixture
def manager(db: Database) -> Iterator[ClientContext]:
    """Michael Brown, billing manager: a supervisor."""
    yield context_as(db, "mbrown", "2345")


@pytest.fixture
def executive(db: Database) -> Iterator[ClientContext]:
    """Riya Patel, recovery executive: no Attempt now."""
    yield context_as(db, "rpatel", "3456")


def shot(widget, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(SHOTS / f"{name}.png"))
