"""`--db` chooses the database wherever it is written: before the subcommand or after it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data")}
    env.pop("TILLDESK_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
def test_init_acts_on_the_database_named_by_db(tmp_path: Path, before: bool) -> None:
    chosen = tmp_path / "chosen.sqlite"
    args = ["--db", str(chosen), "init"] if before else ["init", "--db", str(chosen)]

    done = run(tmp_path, *args)

    assert done.returncode == 0, done.stderr
    assert chosen.exists()
    assert not (tmp_path / "data" / "tilldesk" / "tilldesk.sqlite").exists()


def test_demo_after_init_names_the_admin_pin_that_really_works(tmp_path: Path) -> None:
    db = str(tmp_path / "counter.sqlite")
    assert run(tmp_path, "init", "--db", db, "--admin-pin", "482913").returncode == 0

    done = run(tmp_path, "demo", "--db", db, "--consumers", "0")

    assert done.returncode == 0, done.stderr
    assert "admin (the PIN given at 'tilldesk init')" in done.stdout
    assert "PIN 0000" not in done.stdout
