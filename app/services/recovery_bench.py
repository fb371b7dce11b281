"""How fast the engine decides: one `smart` decision per case of a portfolio, model included."""

import time
from dataclasses import dataclass
from datetime import datetime

from app.recovery.code_tables import load_decline_codes
from app.services.recovery_portfolio import Portfolio
from app.services.recovery_setup import build, make_policy


@dataclass(frozen=True)
class DecisionTimings:
    decisions: int
    p50_ms: float
    p95_ms: float
    model: str


def time_decisions(portfolio: Portfolio, start: datetime, samples: int = 1000) -> DecisionTimings:
    setup = build(portfolio, load_decline_codes(), start)
    policy = make_policy("smart", setup)
    timings = []
    for case in list(setup.cases.values())[:samples]:
        began = time.perf_counter()
        policy.decide(case, max(start, case.failed_at))
        timings.append((time.perf_counter() - began) * 1000)
        case.planned_at = None  # measure planning, not the replay of a plan
    timings.sort()

    def pick(share: float) -> float:
        return round(timings[min(len(timings) - 1, int(share * len(timings)))], 3) if timings else 0

    return DecisionTimings(len(timings), pick(0.5), pick(0.95), setup.model_note)
