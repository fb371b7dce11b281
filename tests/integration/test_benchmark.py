"""The benchmark command end to end on a tiny file: every measurement is reported."""

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from app.db.database import Database
from app.domain.errors import UserFacingError
from app.domain.numbering import NumberFormat
from app.services.bench_data import number_sql
from app.services.benchmark import run_benchmark

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
