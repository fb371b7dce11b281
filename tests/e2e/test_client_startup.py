"""`tilldesk client --exit-after-startup`: the window is shown, the start-up time printed."""

import os
import subprocess
import sys
from pathlib import Path

from cli import startup_bench
from tests.e2e.cli import ADMIN_PIN, TILLDESK, run
from tests.support.first_frame import loaded_at_first_frame


def test_the_client_shows_its_window_prints_the_startup_ms_and_exits(tmp_path: Path) -> None:
    db = tmp_path / "counter.sqlite"
    run(db, "init", "--admin-pin", ADMIN_PIN)
    env = {**os.environ, "TILLDESK_DB": str(db), "QT_QPA_PLATFORM": "offscreen"}
    env["XDG_DATA_HOME"] = env["XDG_STATE_HOME"] = env["XDG_CACHE_HOME"] = str(tmp_path)

    done = subprocess.run(
        [str(TILLDESK), "client", "--exit-after-startup"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )

    assert done.returncode == 0, done.stderr
    milliseconds = int(done.stdout.strip())
    assert 0 < milliseconds < 120_000
    assert "INFO" not in done.stderr  # the console gets warnings only


def test_the_benchmark_compares_the_client_with_a_bare_qt_window(
    tmp_path: Path, monkeypatch
) -> None:
    db = tmp_path / "counter.sqlite"
    run(db, "init", "--admin-pin", ADMIN_PIN)
    monkeypatch.setattr(startup_bench, "RUNS", 1)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))

    figures = startup_bench.startup_figures(db)

    assert figures["client_startup_ms"] > 0
    assert figures["bare_qt_pyqtgraph_ms"] > 0
    assert figures["client_vs_bare"] == round(
        figures["client_startup_ms"] / figures["bare_qt_pyqtgraph_ms"], 2
    )


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    """scikit-learn, reportlab and openpyxl load only for the commands that use them: every
    `tilldesk` call (and the client's start) would otherwise pay about a second for them."""
    probe = (
        "import sys, cli.main; cli.main.build_parser(); "
        "print(','.join(m for m in ('sklearn', 'scipy', 'reportlab', 'openpyxl') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )

    assert done.stdout.strip() == ""


# What the sign-in screen must not wait for: charts, printing, Excel, migrations, sync's HTTP.
HEAVY_AT_START = ("pyqtgraph", "numpy", "reportlab", "escpos", "openpyxl", "alembic", "requests")


def test_the_sign_in_screen_is_shown_before_charts_printing_and_alembic_load(
    tmp_path: Path,
) -> None:
    db = tmp_path / "counter.sqlite"
    run(db, "init", "--admin-pin", ADMIN_PIN)
    loaded, milliseconds = loaded_at_first_frame(db, HEAVY_AT_START, tmp_path)

    assert loaded == "loaded:"
    assert milliseconds > 0
