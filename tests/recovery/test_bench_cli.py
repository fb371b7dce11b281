"""`tilldesk recovery bench` on a small round: every figure is reported, the index is used,
the cases are reused with --keep, and a database with real cases is never touched."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.db.recovery_tables import recovery_cases
from app.services.recovery_database import open_recovery_database
from cli.main import main
from sync.simulation.portfolio import generate
from tests.pg import pg_cluster, pg_url  # noqa: F401 - fixtures

PLANNING_KEYS = {
    "open_cases",
    "generated_s",
    "index_used",
    "query_plan",
    "claim_p50_ms",
    "claim_p95_ms",
    "due_cases",
    "select_due_s",
    "decide_s",
    "planning_s",
    "decisions_per_s",
    "all_due_estimate_s",
    "scored",
    "scored_p50_ms",
    "scored_p95_ms",
    "scored_cpu_p50_ms",
    "scored_cpu_p95_ms",
    "load_average",
}


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("portfolio")
    generate(folder, cases=300, seed=5)
    return str(folder)


def _bench(portfolio: str, db: str, *extra: str) -> list[str]:
    return [
        "recovery", "bench", "--portfolio", portfolio, "--samples", "50",
        "--cases", "2000", "--bench-db", db, "--json", *extra,
    ]  # fmt: skip


def test_a_small_round_reports_every_figure(portfolio, tmp_path, capsys):
    db = str(tmp_path / "bench.sqlite")

    assert main(_bench(portfolio, db)) == 0
    report = json.loads(capsys.readouterr().out)

    assert {"decisions", "p50_ms", "p95_ms", "cpu_p50_ms", "cpu_p95_ms", "model"} <= report.keys()
    plan = report["planning"]
    assert set(plan) == PLANNING_KEYS
    assert plan["open_cases"] == 2000
    assert plan["index_used"] is True, plan["query_plan"]
    assert plan["due_cases"] == 100  # one day of the twenty-day horizon
    assert 0 < plan["scored"] <= plan["due_cases"]
    assert plan["generated_s"] > 0

    assert main(_bench(portfolio, db, "--keep")) == 0
    again = json.loads(capsys.readouterr().out)["planning"]
    assert again["generated_s"] == 0  # the cases written before were reused
    assert again["due_cases"] == 100

    later = [*_bench(portfolio, db, "--keep"), "--start", "2027-01-09T00:00:00Z"]
    assert main(later) == 0
    moved = json.loads(capsys.readouterr().out)["planning"]
    assert moved["generated_s"] > 0  # written for another --start: written again
    assert moved["due_cases"] == 100


def test_a_database_with_real_cases_is_refused_and_left_alone(portfolio, tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'recovery.db'}"
    engine = open_recovery_database(db)
    with engine.begin() as connection:
        connection.execute(
            recovery_cases.insert(),
            {
                "id": "RC1", "consumer_id": "C1", "amount_minor": 1000, "currency": "USD",
                "method": "card", "gateway": "nmi", "failed_at": datetime(2027, 1, 1, tzinfo=UTC),
                "code": "51", "category": "insufficient_funds", "product": "bill",
                "segment": "standard",
            },
        )  # fmt: skip

    assert main(_bench(portfolio, db)) != 0
    assert "holds real cases" in capsys.readouterr().err

    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(recovery_cases)).scalar() == 1


def test_the_round_runs_on_postgresql_too(portfolio, pg_url, capsys):  # noqa: F811
    assert main(_bench(portfolio, pg_url)) == 0
    plan = json.loads(capsys.readouterr().out)["planning"]

    assert plan["due_cases"] == 100
    assert plan["index_used"] is True, plan["query_plan"]
