"""The command-line tests' counter: a real SQLite file made by `tilldesk init`, with the spec's
sample loaded."""

from pathlib import Path

import pytest

from app.db.database import open_database
from app.demo.sample_data import load_sample
from tests.e2e.cli import ADMIN_PIN, run


@pytest.fixture
def counter(tmp_path: Path) -> Path:
    db = tmp_path / "cli.sqlite"
    run(db, "init", "--terminal", "T07", "--admin-pin", ADMIN_PIN)
    database = open_database(db)
    load_sample(database)
    database.close()
    return db
