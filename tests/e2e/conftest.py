"""The command-line tests' counter: a real SQLite file made by `tilldesk init`, with the spec's
sample loaded, built once per run and copied for each test."""

import shutil
from pathlib import Path

import pytest

from tests.e2e.cli import sample_counter, snapshot


@pytest.fixture(scope="session")
def cli_counter_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`tilldesk init --terminal T07` and the sample, once: a fresh `init` for every test cost a
    process start and the hashing of the admin PIN."""
    folder = tmp_path_factory.mktemp("cli-template")
    return snapshot(sample_counter(folder / "source.sqlite"), folder / "cli.sqlite")


@pytest.fixture
def counter(cli_counter_template: Path, tmp_path: Path) -> Path:
    db = tmp_path / "cli.sqlite"
    shutil.copyfile(cli_counter_template, db)
    return db
