"""Back-off with full jitter: waits grow exponentially up to a cap, and are spread out."""

import random

from sync.client.backoff import Backoff


def test_no_failure_means_no_wait():
    assert Backoff().delay(0) == 0.0


def test_waits_stay_under_an_exponential_ceiling_and_the_cap():
    backoff = Backoff(base_s=2.0, cap_s=60.0, rng=random.Random(1))
    for failures, ceiling in ((1, 2.0), (2, 4.0), (3, 8.0), (5, 32.0), (6, 60.0), (40, 60.0)):
        waits = [backoff.delay(failures) for _ in range(200)]
        assert all(0 <= w <= ceiling for w in waits)
        assert max(waits) > ceiling * 0.8  # full jitter uses the whole range...
        assert min(waits) < ceiling * 0.2  # ...so counters that failed together spread out
