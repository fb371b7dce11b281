"""Shared fixtures: a real SQLite file, set up as a counter, with the spec's sample loaded."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

# PINs and passwords hashed with argon2's cheapest parameters in this process and the
# `tilldesk` commands and servers it starts (app/services/actors.py): set before they import.
os.environ["TILLDESK_TEST_CHEAP_HASHES"] = "1"

import pytest

from app.db.database import Database, open_database
from app.demo.sample_data import load_sample
from app.services.setup import initialise
from tests.support.clock import FakeClock

# Fixtures several test packages share (pytest allows pytest_plugins only here).
pytest_plugins = [
    "tests.support.ui_fixtures",
    "tests.support.recovery_ui_fixtures",
    "tests.support.sync_fixtures",
    "tests.support.keyring",
]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "counter.sqlite"


@pytest.fixture
def empty_db(db_path: Path, clock: FakeClock) -> Iterator[Database]:
    """Migrated and initialised as terminal T01; no consumers."""
    database = open_database(db_path, clock)
    initialise(database, terminal_code="T01", admin_secret="0000")
    yield database
    database.close()


@pytest.fixture(scope="session")
def sample_counter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample counter built once per run (hashing the staff PINs is the slow part)."""
    template = tmp_path_factory.mktemp("template") / "counter.sqlite"
    source = open_database(template.with_name("source.sqlite"), FakeClock())
    initialise(source, terminal_code="T01", admin_secret="0000")
    load_sample(source)
    raw = source.writer.raw_connection()
    try:
        raw.driver_connection.execute("VACUUM INTO ?", (str(template),))
    finally:
        raw.close()
    source.close()
    return template


@pytest.fixture
def db(sample_counter: Path, db_path: Path, clock: FakeClock) -> Iterator[Database]:
    """A fresh copy of the counter with John Doe (WU-10001) and the staff (jsmith, mbrown,
    rpatel) loaded, on its own file."""
    shutil.copyfile(sample_counter, db_path)
    database = open_database(db_path, clock)
    yield database
    database.close()


@pytest.fixture(autouse=True)
def client_printing() -> None:
    """As `tilldesk client` does before its window opens: the screens' printing installed
    (any test may build a window or a screen that prints)."""
    from cli.wiring import printing
    from ui.printing_port import install

    install(printing)
