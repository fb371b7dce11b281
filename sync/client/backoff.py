"""Exponential back-off with full jitter: after n failures wait uniform(0, min(cap, base*2^n)).

Full jitter spreads the retries of many counters that lost the server at the same moment, so a
recovering server is not hit by all of them at once (AWS Architecture Blog, "Exponential
Backoff And Jitter").
"""

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    base_s: float = 2.0
    cap_s: float = 300.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, failures: int) -> float:
        if failures <= 0:
            return 0.0
        ceiling = min(self.cap_s, self.base_s * 2 ** min(failures - 1, 30))
        return self.rng.uniform(0, ceiling)
