"""`tilldesk sync status` reads the counter it is pointed at, wherever --db is written."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

TILLDESK = Path(sys.executable).with_name("tilldesk")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "TILLDESK_DB": "/nonexistent/never-used.sqlite"}
    return subprocess.run(
        [str(TILLDESK), *args], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    "order",
    [("sync", "--db", "{db}", "status", "--json"), ("sync", "status", "--db", "{db}", "--json")],
)
def test_db_given_before_or_after_status_is_the_one_read(tmp_path: Path, order) -> None:
    db = tmp_path / "counter.sqlite"
    assert run("init", "--db", str(db), "--terminal", "T09").returncode == 0
    result = run(*(part.format(db=db) for part in order))
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["registered"] is False
    assert status["pending"] == 0
