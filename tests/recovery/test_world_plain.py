"""The industry's plain schedules, run naively against the world: it recovers and it referees."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sync.simulation.plain_client import SCHEDULES, run_plain
from sync.simulation.portfolio import generate
from sync.simulation.world import running_world

START = datetime(2027, 1, 4, tzinfo=UTC)


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("plain")
    generate(directory, cases=250, seed=11)
    return directory


@pytest.fixture(scope="module")
def results(portfolio) -> dict[str, dict]:
    found = {}
    for policy in SCHEDULES:
        with running_world(portfolio, seed=11) as (url, _world):
            found[policy] = run_plain(url, portfolio, policy, START, days=45).stats
    for policy, stats in found.items():  # the figures, for whoever reads the test log
        print(policy, stats["recovered_minor"], stats["attempts"], stats["breaches"])
    return found


def test_every_plain_schedule_recovers_money_in_every_currency(results):
    for stats in results.values():
        assert set(stats["recovered_minor"]) == {"USD", "INR", "GBP", "AUD"}
        assert 0 < stats["recovered_cases"] < stats["cases"]


def test_more_tries_recover_more_but_cost_more_attempts(results):
    eight, daily = results["fixed-8-in-14"], results["daily-3"]
    assert eight["attempts"] > daily["attempts"]
    assert eight["recovered_cases"] > daily["recovered_cases"]


def test_blind_schedules_break_the_network_rules_and_the_world_counts_it(results):
    eight = results["fixed-8-in-14"]["breaches"]
    assert eight["retry_after_stop_code"] > 0  # lost, stolen, stop-recurring retried
    assert eight["upi_pre_debit"] > 0  # no pre-debit notice ever sent
    assert eight["enach_month"] > 0  # 8 presentations in 14 days
    assert eight["mastercard_mac02_72h"] > 0  # daily retries after "try again in 72 h"
    assert eight["charge_after_paid"] == 0  # it does stop once approved
    assert eight["clock_backwards"] == 0
    killbill = results["killbill-8-8-8"]["breaches"]
    assert killbill["mastercard_mac02_72h"] == killbill["mastercard_retry_after"] == 0  # 8 days


def test_the_same_seed_replays_the_same_simulation(portfolio, results):
    with running_world(portfolio, seed=11) as (url, _world):
        again = run_plain(url, portfolio, "daily-3", START, days=45).stats
    assert again == results["daily-3"]
