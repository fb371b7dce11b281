"""`recovery bench`: one `smart` decision per portfolio case, then a round over N open cases."""

import time
from dataclasses import dataclass
from datetime import datetime

from app.recovery.code_tables import load_decline_codes
from app.services.recovery_bench_planning import PlanningTimings, pick, time_planning
from app.services.recovery_database import open_recovery_database
from app.services.recovery_portfolio import Portfolio
from app.services.recovery_setup import Setup, build, make_policy


@dataclass(frozen=True)
class DecisionTimings:
    decisions: int
    p50_ms: float
    p95_ms: float
    cpu_p50_ms: float  # on the thread's CPU clock: without the waits of a loaded machine
    cpu_p95_ms: float
    model: str


@dataclass(frozen=True)
class BenchReport:
    decisions: int
    p50_ms: float
    p95_ms: float
    cpu_p50_ms: float
    cpu_p95_ms: float
    model: str
    planning: PlanningTimings | None


def run_bench(
    portfolio: Portfolio,
    start: datetime,
    *,
    samples: int,
    cases: int,
    bench_url: str,
    keep: bool,
) -> BenchReport:
    """Decisions on the portfolio, then (cases > 0) planning on a database of `cases` copies."""
    codes = load_decline_codes()
    setup = build(portfolio, codes, start)
    alone = _time_decisions(setup, start, samples)
    planning = None
    if cases > 0:
        engine = open_recovery_database(bench_url)
        try:
            planning = time_planning(
                engine, portfolio, codes, setup.model, start, cases=cases, keep=keep
            )
        finally:
            engine.dispose()
    return BenchReport(
        alone.decisions,
        alone.p50_ms,
        alone.p95_ms,
        alone.cpu_p50_ms,
        alone.cpu_p95_ms,
        alone.model,
        planning,
    )


def time_decisions(portfolio: Portfolio, start: datetime, samples: int = 1000) -> DecisionTimings:
    return _time_decisions(build(portfolio, load_decline_codes(), start), start, samples)


def _time_decisions(setup: Setup, start: datetime, samples: int) -> DecisionTimings:
    policy = make_policy("smart", setup)
    timings, cpu = [], []
    for case in list(setup.cases.values())[:samples]:
        began, began_cpu = time.perf_counter(), time.thread_time()
        policy.decide(case, max(start, case.failed_at))
        timings.append((time.perf_counter() - began) * 1000)
        cpu.append((time.thread_time() - began_cpu) * 1000)
        case.planned_at = None  # measure planning, not the replay of a plan
    return DecisionTimings(
        len(timings),
        pick(timings, 0.5),
        pick(timings, 0.95),
        pick(cpu, 0.5),
        pick(cpu, 0.95),
        setup.model_note,
    )
