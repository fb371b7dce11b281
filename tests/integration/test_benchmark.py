"""The benchmark command end to end on a tiny file: every measurement is reported."""

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from app.db.database import Database
from app.demo.bench_data import number_sql
from app.demo.benchmark import run_benchmark
from app.domain.errors import UserFacingError
from app.domain.numbering import NumberFormat
from app.domain.progress import no_progress
from cli.main import main
from cli.sync_bench import run_sync_benchmark
from tests.pg import pg_cluster, server_db_url, server_template  # noqa: F401

MEASURED = (
    "search",
    "search_like",
    "record_payment",
    "kpis",
    "payments_first_page",
    "payments_filter",
)


def test_a_tiny_benchmark_reports_every_measurement(tmp_path: Path):
    result = run_benchmark(tmp_path / "bench.sqlite", consumers=300, payments=1_000, samples=5)

    for name in MEASURED:
        assert 0 <= result[name]["p50"] <= result[name]["p95"], name
    assert result["sizes"]["consumers"] == 300 + 1  # plus the spec's John Doe
    assert result["sizes"]["payments"] == 1_000 + 5 + 1  # history, samples, one warm-up
    assert result["build_seconds"] > 0


def test_a_second_run_reuses_the_file_of_that_size(tmp_path: Path):
    path = tmp_path / "bench.sqlite"
    run_benchmark(path, consumers=300, payments=1_000, samples=2)

    again = run_benchmark(path, consumers=300, payments=1_000, samples=2)

    assert again["build_seconds"] == 0
    assert again["sizes"]["payments"] == 1_000 + 2 * (2 + 1)


def test_a_file_that_is_not_a_benchmark_file_is_left_alone(empty_db: Database):
    with pytest.raises(UserFacingError, match="not a benchmark file"):
        run_benchmark(empty_db.path, consumers=10, payments=10, samples=1)

    assert empty_db.path.exists()


@pytest.mark.parametrize(
    "pattern",
    ["PAY-{YYYY}-{TERM}-{SEQ:6}", "R-{TERM}-{SEQ:4}", "{YY}%{TERM}/{SEQ}", "O'{TERM}-{SEQ:3}"],
)
def test_numbers_built_in_sql_read_as_the_number_format_renders_them(pattern: str):
    fmt = NumberFormat(pattern)
    with sqlite3.connect(":memory:") as connection:
        rendered = connection.execute(
            f"SELECT {number_sql(fmt, 'T01', ':seq', ':year')}", {"seq": 42, "year": 2025}
        ).fetchone()[0]

    assert rendered == fmt.render(sequence=42, terminal_code="T01", on=date(2025, 5, 1))


def test_the_sync_benchmark_times_the_counter_while_a_real_sync_runs(
    tmp_path: Path,
    server_db_url: str,  # noqa: F811
):
    path = tmp_path / "bench.sqlite"
    run_benchmark(path, consumers=300, payments=1_000, samples=2)

    result = run_sync_benchmark(
        path,
        changes=250,
        offline=60,
        server_db=server_db_url,
        server_url=None,
        progress=no_progress,
    )

    foreground = result["foreground"]
    for name in ("record_payment", "kpis"):
        assert 0 <= foreground[name]["p50"] <= foreground[name]["p95"] <= foreground[name]["max"]
    assert foreground["samples"] >= 20
    assert "max" in foreground["load_average"]
    # Where a payment's time went: each phase no longer than the whole payment took.
    phases = foreground["record_payment_phases"]
    assert set(phases) == {"lock_wait", "statements", "commit"}
    for figures in phases.values():
        assert 0 <= figures["p50"] <= figures["max"] <= foreground["record_payment"]["max"]
    # The server it started stands for another machine, and the printed figures say so.
    assert result["priorities"].startswith("central server at nice 10")
    assert result["push"]["sent"] >= 60  # the offline payments, and what was recorded meanwhile
    assert (result["push"]["parked"], result["push"]["flagged"]) == (0, 0)
    assert result["pull"]["changes"] >= result["feed_changes"] >= 200
    assert result["pull"]["quarantined"] == 0
    assert not path.with_name("bench-sync.sqlite").exists()  # the copy it synced is gone


def test_the_bench_command_refuses_a_server_without_its_database(capsys):
    with pytest.raises(SystemExit, match="--server needs --server-db"):
        main(["bench", "--sync", "--server", "http://127.0.0.1:9"])
