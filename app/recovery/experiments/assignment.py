"""Deterministic, sticky assignment: a hash of (experiment, consumer) picks the arm by allocation.

The same consumer lands in the same arm on every machine and every run, without a lookup:
SHA-256 is stable across processes (Python's hash() is salted per process).
"""

import hashlib
from collections.abc import Sequence


def unit_hash(*parts: str) -> float:
    """A uniform number in [0, 1) from the parts' text; 64 bits of SHA-256."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def arm_index(allocation: Sequence[float], point: float) -> int:
    """The arm whose slice of [0, 1) holds `point`; rounding slack goes to the last arm."""
    edge = 0.0
    for index, share in enumerate(allocation):
        edge += share
        if point < edge:
            return index
    return len(allocation) - 1


def choose_variant(
    experiment_id: str, consumer_id: str, names: Sequence[str], allocation: Sequence[float]
) -> str:
    return names[arm_index(allocation, unit_hash("arm", experiment_id, consumer_id))]


def choose_experiment(strategy: str, consumer_id: str, experiment_ids: Sequence[str]) -> str:
    """Which of several overlapping tests on one strategy a new consumer joins: an even split,
    so each test gets its share, and a consumer is in one of them only (exclusive)."""
    ordered = sorted(experiment_ids, key=lambda e: (len(e), e))
    return ordered[int(unit_hash("split", strategy, consumer_id) * len(ordered))]
