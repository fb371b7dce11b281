"""Issue 10's target on a portfolio the engine has never seen: the `smart` policy recovers at
least as much money as the best plain schedule in every currency, with at most half of that
schedule's attempts, and breaks no rule of the world. The figures are printed."""

from datetime import UTC, datetime

import pytest

from app.services.recovery_portfolio import read_portfolio
from app.services.recovery_simulate import simulate
from sync.recovery_sim.client import WorldClient

world = pytest.importorskip("sync.simulation.world")
portfolio_generator = pytest.importorskip("sync.simulation.portfolio")
START = datetime(2027, 1, 4, tzinfo=UTC)
PLAIN = ("fixed-8-in-14", "daily-3", "killbill-8-8-8")
# A seed none of the policy's settings were chosen on (they were checked on seeds 7 to 11).
SEED = 21


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, dict]:
    directory = tmp_path_factory.mktemp("held-out")
    portfolio_generator.generate(directory, cases=1000, seed=SEED)
    portfolio = read_portfolio(directory)
    found = {}
    for policy in ("smart", *PLAIN):
        with world.running_world(directory, seed=SEED) as (url, simulated):
            report = simulate(portfolio, WorldClient(url), start=START, days=45, policy_name=policy)
            stats = simulated.stats()
        found[policy] = {
            "recovered_minor": report.recovered_minor,
            "recovered_cases": report.recovered_cases,
            "attempts": report.attempts,
            "messages": report.messages,
            "breaches": {rule: n for rule, n in stats["breaches"].items() if n},
            "notes": report.notes,
        }
        print(policy, {k: v for k, v in found[policy].items() if k != "notes"})
    return found


def best_plain(results: dict[str, dict]) -> str:
    """The plain schedule that recovers the most cases (the one a merchant would keep)."""
    return max(PLAIN, key=lambda p: results[p]["recovered_cases"])


def test_smart_recovers_at_least_the_best_plain_schedules_money_in_every_currency(results):
    smart = results["smart"]["recovered_minor"]
    for currency in smart:
        plain = max(results[p]["recovered_minor"].get(currency, 0) for p in PLAIN)
        print(f"{currency}: smart {smart[currency]}, best plain {plain}, "
              f"{100 * (smart[currency] / plain - 1):+.1f} %")  # fmt: skip
        assert smart[currency] >= plain, currency


def test_smart_needs_at_most_half_the_attempts_of_the_best_plain_schedule(results):
    best = best_plain(results)
    print(f"attempts: smart {results['smart']['attempts']}, {best} {results[best]['attempts']}")
    assert results["smart"]["attempts"] * 2 <= results[best]["attempts"]


def test_smart_breaks_no_rule(results):
    assert results["smart"]["breaches"] == {}


def test_smart_weighs_its_effort_by_a_recovery_model_learned_from_the_history(results):
    learned = [n for n in results["smart"]["notes"] if n.startswith("recovery model history-")]
    assert learned, results["smart"]["notes"]
