"""Sticky assignment: proportions follow the allocation, and every process gives the same arm."""

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from app.recovery.experiments.assignment import arm_index, choose_experiment, choose_variant

CONSUMERS = [f"C{number:06d}" for number in range(100_000)]


@pytest.mark.parametrize("allocation", [[0.5, 0.5], [0.25, 0.25, 0.25, 0.25], [0.7, 0.2, 0.1]])
def test_arms_fill_in_their_allocation_over_100k_consumers(allocation: list[float]) -> None:
    names = [f"arm{i}" for i in range(len(allocation))]
    counts = Counter(choose_variant("17", c, names, allocation) for c in CONSUMERS)
    for name, share in zip(names, allocation, strict=True):
        # Four standard errors of a binomial share at 100k: a fair hash never fails this.
        tolerance = 4 * (share * (1 - share) / len(CONSUMERS)) ** 0.5
        assert abs(counts[name] / len(CONSUMERS) - share) < tolerance


def test_a_consumer_gets_the_same_arm_every_time_and_in_another_process() -> None:
    names, allocation = ["control", "b"], [0.5, 0.5]
    here = [choose_variant("3", c, names, allocation) for c in CONSUMERS[:2000]]
    assert here == [choose_variant("3", c, names, allocation) for c in CONSUMERS[:2000]]
    script = (
        "from app.recovery.experiments.assignment import choose_variant\n"
        "print(''.join('0' if choose_variant('3', f'C{n:06d}', ['control', 'b'], [0.5, 0.5])"
        " == 'control' else '1' for n in range(2000)))"
    )
    # A new interpreter has another hash seed: the arm must not depend on it.
    other = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
        cwd=Path(__file__).resolve().parents[2],
    ).stdout.strip()
    assert other == "".join("0" if v == "control" else "1" for v in here)


def test_different_experiments_split_consumers_independently() -> None:
    names, allocation = ["a", "b"], [0.5, 0.5]
    first = [choose_variant("1", c, names, allocation) for c in CONSUMERS[:20_000]]
    second = [choose_variant("2", c, names, allocation) for c in CONSUMERS[:20_000]]
    same = sum(x == y for x, y in zip(first, second, strict=True)) / len(first)
    assert abs(same - 0.5) < 0.02  # not the same split reused: tests would be confounded


def test_the_last_arm_takes_the_rounding_slack() -> None:
    assert arm_index([0.3, 0.3, 0.3999999], 0.99999999) == 2
    assert arm_index([0.5, 0.5], 0.0) == 0


def test_overlapping_tests_on_a_strategy_share_new_consumers_evenly() -> None:
    counts = Counter(choose_experiment("retry_timing", c, ["4", "9"]) for c in CONSUMERS[:20_000])
    assert abs(counts["4"] / 20_000 - 0.5) < 0.02
    assert choose_experiment("retry_timing", "C1", ["9", "4"]) == choose_experiment(
        "retry_timing", "C1", ["4", "9"]
    )
