"""Recovery screen fixtures shared by several test packages (a pytest plugin, registered in
tests/conftest.py): the demo portfolio, signed-in staff, and a branch's pulled cases."""

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.db.database import Database
from app.services.recovery_database import DB_VARIABLE, shared_recovery_database
from app.services.recovery_intake import demo_failures, intake
from app.services.smart_collect_credits import import_credits
from cli.main import main
from sync.client.apply import apply_changes
from sync.protocol import Change
from tests.support.recovery_ui import CASES, NEXT_PAYDAY, NOW, SOFT, context_as, monthly_salary
from ui.context import ClientContext


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


@pytest.fixture
def manager(db: Database) -> Iterator[ClientContext]:
    """Michael Brown, billing manager: a supervisor."""
    yield context_as(db, "mbrown", "2345")


@pytest.fixture
def executive(db: Database) -> Iterator[ClientContext]:
    """Riya Patel, recovery executive: no Attempt now."""
    yield context_as(db, "rpatel", "3456")


@pytest.fixture
def branch(db, executive, monkeypatch):
    """The counter after a pull that brought the server's cases; no recovery database."""
    monkeypatch.delenv(DB_VARIABLE, raising=False)
    changes = [Change(seq=n, entity="recovery_case", key=c["id"], op="upsert", data=c)
               for n, c in enumerate(CASES, start=1)]  # fmt: skip
    with db.unit_of_work() as uow:
        applied = apply_changes(uow.session, changes, uow.terminal().id, now=NOW)
        uow.commit()
    assert applied.count == len(CASES) and applied.failures == []
    return executive
