"""`tilldesk recovery simulate` end to end: the CLI, the HTTP client and a world on loopback."""

import json
from pathlib import Path

import pytest

from cli.main import main
from tests.recovery.portfolio_files import write_portfolio
from tests.recovery.stub_world import stub_world

KEYS = {
    "policy",
    "cases",
    "recovered_minor",
    "recovered_cases",
    "attempts",
    "messages",
    "by_code_category",
    "by_segment",
    "seconds",
}


def _simulate(capsys, url: str, portfolio: Path, policy: str, days: int = 40) -> tuple[int, dict]:
    code = main(
        [
            "recovery",
            "simulate",
            "--world",
            url,
            "--portfolio",
            str(portfolio),
            "--start",
            "2027-01-04T00:00:00Z",
            "--days",
            str(days),
            "--policy",
            policy,
            "--json",
        ]
    )
    out = capsys.readouterr().out
    return code, json.loads(out)


@pytest.mark.parametrize("policy", ["smart", "daily-3"])
def test_simulate_prints_the_figures_and_keeps_the_clock_moving_forward(tmp_path, capsys, policy):
    portfolio = write_portfolio(tmp_path / "p", cases=40, months_of_history=6)
    with stub_world(portfolio) as (url, world):
        code, report = _simulate(capsys, url, portfolio, policy)
    assert code == 0
    assert set(report) == KEYS
    assert report["policy"] == policy and report["cases"] == 40
    assert world.breaches == []
    # What the engine counts as recovered is what the world's books say was paid.
    paid = sum(
        int(line.split(",")[2]) for line in (portfolio / "cases.csv").read_text().splitlines()[1:]
    ) - sum(world.owed.values())
    assert report["recovered_minor"].get("USD", 0) == paid
    if policy == "smart":  # it learned that charges go through around the 1st
        assert paid > 0
    else:
        assert report["attempts"] == 3 * 32  # three tries for each soft decline, none for hard
    assert report["by_code_category"]["hard"]["cases"] == 8
    assert sum(g["cases"] for g in report["by_segment"].values()) == 40


def test_smart_uses_the_model_when_history_is_enough(tmp_path, capsys):
    portfolio = write_portfolio(tmp_path / "p", cases=40, months_of_history=6)
    with stub_world(portfolio) as (url, _):
        main(
            [
                "recovery",
                "simulate",
                "--world",
                url,
                "--portfolio",
                str(portfolio),
                "--start",
                "2027-01-04T00:00:00Z",
                "--days",
                "10",
                "--json",
                "--models",
                str(tmp_path / "models"),
            ]
        )
    err = capsys.readouterr().err
    assert "held-out AUC" in err
    saved = list((tmp_path / "models").glob("approval-*.joblib"))
    assert len(saved) == 1 and saved[0].with_suffix(".json").exists()


def test_a_bad_case_row_is_refused_and_reported_the_rest_run(tmp_path, capsys):
    portfolio = write_portfolio(tmp_path / "p", cases=5, months_of_history=1)
    with (portfolio / "cases.csv").open("a") as handle:
        handle.write("K9999,C0001,-5,USD,card,nmi,visa,debit,2027-01-03T10:00:00Z,202,,bill,\n")
        handle.write("K9998,NOBODY,500,USD,card,nmi,visa,debit,2027-01-03T10:00:00Z,202,,bill,\n")
    with stub_world(portfolio) as (url, _):
        code = main(
            [
                "recovery",
                "simulate",
                "--world",
                url,
                "--portfolio",
                str(portfolio),
                "--start",
                "2027-01-04T00:00:00Z",
                "--days",
                "3",
                "--json",
            ]
        )
    captured = capsys.readouterr()
    assert code == 3
    assert json.loads(captured.out)["cases"] == 5
    assert "cases.csv:7: amount_minor must be positive" in captured.err
    assert "cases.csv:8: unknown consumer 'NOBODY'" in captured.err


def test_an_unreachable_world_is_a_clear_error(tmp_path, capsys):
    portfolio = write_portfolio(tmp_path / "p", cases=2, months_of_history=1)
    code = main(
        [
            "recovery",
            "simulate",
            "--world",
            "http://127.0.0.1:9",
            "--portfolio",
            str(portfolio),
            "--start",
            "2027-01-04T00:00:00Z",
            "--days",
            "2",
        ]
    )
    assert code == 3
    assert "did not answer" in capsys.readouterr().err
