"""`recovery simulate --db URL` follows the segment configurations saved in that recovery
database, as `recovery run` does; without --db (or without an edit) the plain policy runs."""

import json
from datetime import UTC, datetime

import pytest

from app.services.recovery_database import open_recovery_database
from app.services.smart_collect_segments import set_config
from cli.main import main

world = pytest.importorskip("sync.simulation.world")
portfolio_generator = pytest.importorskip("sync.simulation.portfolio")
SEGMENTS = ("high_value", "standard", "at_risk")


def simulate(capsys, url: str, directory, *extra: str) -> tuple[dict, str]:
    code = main(
        ["recovery", "simulate", "--world", url, "--portfolio", str(directory),
         "--start", "2027-01-04T00:00:00Z", "--days", "14", "--policy", "daily-3", "--json",
         *extra]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0
    return json.loads(captured.out), captured.err


def test_simulate_applies_the_saved_segment_configurations(tmp_path, capsys):
    directory = tmp_path / "portfolio"
    portfolio_generator.generate(directory, cases=60, seed=5)
    db = f"sqlite:///{tmp_path / 'recovery.db'}"
    engine = open_recovery_database(db)
    with world.running_world(directory, seed=2) as (url, _):
        plain, plain_err = simulate(capsys, url, directory, "--db", db)  # nothing edited yet
    for segment in SEGMENTS:  # a billing manager allows no retry at all in any segment
        set_config(engine, segment, {"max_retries": 0}, "mbrown", datetime(2027, 1, 1, tzinfo=UTC))
    engine.dispose()
    with world.running_world(directory, seed=2) as (url, simulated):
        held, held_err = simulate(capsys, url, directory, "--db", db)
        breaches = {rule: n for rule, n in simulated.stats()["breaches"].items() if n}
    with world.running_world(directory, seed=2) as (url, _):
        without_db, _ = simulate(capsys, url, directory)
    print(
        "plain", plain["attempts"], "held", held["attempts"], "without --db", without_db["attempts"]
    )
    assert plain["attempts"] > 0 and "as built in" in plain_err
    assert held["attempts"] == 0 and breaches == {}
    assert "standard v1" in held_err
    assert without_db["attempts"] == plain["attempts"]
