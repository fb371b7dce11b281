"""`recovery simulate` against the project's simulated world: no rule broken, figures agree."""

import json

import pytest

from cli.main import main

world = pytest.importorskip("sync.simulation.world")
portfolio_generator = pytest.importorskip("sync.simulation.portfolio")


@pytest.mark.parametrize("policy", ["smart", "fixed-8-in-14"])
def test_the_engine_breaks_no_rule_of_the_world(tmp_path, capsys, policy):
    directory = tmp_path / "portfolio"
    portfolio_generator.generate(directory, cases=80, seed=5)
    with world.running_world(directory, seed=2) as (url, simulated):
        code = main(
            [
                "recovery",
                "simulate",
                "--world",
                url,
                "--portfolio",
                str(directory),
                "--start",
                "2027-01-04T00:00:00Z",
                "--days",
                "21",
                "--policy",
                policy,
                "--json",
            ]
        )
        stats = simulated.stats()
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {rule: n for rule, n in stats["breaches"].items() if n} == {}
    assert report["attempts"] == stats["attempts"]
    assert report["messages"] == stats["messages"]
    assert report["recovered_cases"] == stats["recovered_cases"]
    recovered = {cur: minor for cur, minor in report["recovered_minor"].items() if minor}
    assert recovered == {cur: m for cur, m in stats["recovered_minor"].items() if m}
