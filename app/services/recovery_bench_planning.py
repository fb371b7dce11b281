"""How fast a `recovery run` round plans: due cases found among N open ones, then each decided.

The N cases are copies of a simulated portfolio's cases (new ids, amounts and times), written
in batches to a recovery database of their own (a SQLite file by default) that a later bench
may reuse. Their next_at is spread evenly over the smart policy's horizon, starting one day
before `now`: the due share is a day's work (about 1/20 of the open cases), as a round finds
after the workers stood still for a day.
"""

import os
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, bindparam, func, select, text

from app.db.base import UtcDateTime
from app.db.recovery_claims import CaseRows, claim_due
from app.db.recovery_tables import recovery_cases, recovery_consumers
from app.domain.errors import UserFacingError
from app.recovery.code_tables import DeclineCodes
from app.recovery.model import ApprovalModel
from app.services.recovery_portfolio import Portfolio
from app.services.recovery_state import rebuild

PREFIX = "bench-"  # every row this bench writes; a database with other cases is refused
BATCH = 20_000
CASES_PER_CONSUMER = 2
HORIZON = timedelta(days=20)  # the smart policy's planning horizon
BACKLOG = timedelta(days=1)
INDEX = "ix_recovery_cases_status_next"


@dataclass(frozen=True)
class PlanningTimings:
    open_cases: int
    generated_s: float  # 0 when the cases of an earlier run were reused
    index_used: bool
    query_plan: str
    claim_p50_ms: float  # one worker's claim of the most overdue case (what `run` does)
    claim_p95_ms: float
    due_cases: int
    select_due_s: float  # every due case with its consumer, read in one pass over the index
    decide_s: float  # rebuild + smart decision of each due case, model included
    planning_s: float  # select_due_s + decide_s: the budget's figure (<= 60 s)
    decisions_per_s: float
    all_due_estimate_s: float  # were every open case due at once: decisions_per_s extrapolated
    scored: int  # decisions that asked the model
    scored_p50_ms: float  # one decision with the model's score, under this load
    scored_p95_ms: float
    # The same on the thread's CPU clock: what the decision costs, without the time a loaded
    # machine kept it waiting (compare with load_average).
    scored_cpu_p50_ms: float
    scored_cpu_p95_ms: float
    load_average: tuple[float, float, float]


def time_planning(
    engine: Engine,
    portfolio: Portfolio,
    codes: DeclineCodes,
    model: ApprovalModel | None,
    now: datetime,
    *,
    cases: int,
    keep: bool,
) -> PlanningTimings:
    generated = prepare_cases(engine, portfolio, now, cases, reuse=keep)
    query_plan = explain_due(engine, now)
    claims = _claims(engine, now)
    began = time.perf_counter()
    due = list(_due_rows(engine, now))
    selected = time.perf_counter() - began
    scored: list[float] = []
    scored_cpu: list[float] = []
    began = time.perf_counter()
    for rows in due:
        start, start_cpu = time.perf_counter(), time.thread_time()
        view = rebuild(rows, codes, "smart", model)
        decision = view.policy.decide(view.case, now)
        if decision.score is not None:
            scored.append((time.perf_counter() - start) * 1000)
            scored_cpu.append((time.thread_time() - start_cpu) * 1000)
    decided = time.perf_counter() - began
    return PlanningTimings(
        open_cases=cases,
        generated_s=round(generated, 2),
        index_used=INDEX in query_plan,
        query_plan=query_plan,
        claim_p50_ms=pick(claims, 0.5),
        claim_p95_ms=pick(claims, 0.95),
        due_cases=len(due),
        select_due_s=round(selected, 3),
        decide_s=round(decided, 3),
        planning_s=round(selected + decided, 3),
        decisions_per_s=round(len(due) / decided, 1) if decided else 0.0,
        all_due_estimate_s=round(selected + cases * decided / len(due), 1) if due else 0.0,
        scored=len(scored),
        scored_p50_ms=pick(scored, 0.5),
        scored_p95_ms=pick(scored, 0.95),
        scored_cpu_p50_ms=pick(scored_cpu, 0.5),
        scored_cpu_p95_ms=pick(scored_cpu, 0.95),
        load_average=os.getloadavg(),
    )


def prepare_cases(
    engine: Engine, portfolio: Portfolio, now: datetime, cases: int, *, reuse: bool
) -> float:
    """Seconds spent writing the cases; 0.0 when `reuse` finds the same number already there."""
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(recovery_cases)).scalar_one()
        ours = connection.execute(
            select(func.count()).where(recovery_cases.c.id.like(f"{PREFIX}%"))
        ).scalar_one()
    if total != ours:
        raise UserFacingError(
            "That recovery database holds real cases: give the bench a database of its own "
            "(--bench-db FILE or URL)."
        )
    if reuse and ours == cases and abs(_due_count(engine, now) - cases * (BACKLOG / HORIZON)) <= 1:
        return 0.0  # the same round: written for this --start (a day of it due)
    if not portfolio.cases:
        raise UserFacingError("The portfolio has no cases to copy.")
    began = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(recovery_cases.delete())
        connection.execute(recovery_consumers.delete())
    rng = random.Random(7)
    consumers = list(portfolio.consumers.values())
    for first in range(0, cases, BATCH):
        numbers = range(first, min(first + BATCH, cases))
        people = [
            _consumer(n, consumers[n // CASES_PER_CONSUMER % len(consumers)])
            for n in numbers
            if n % CASES_PER_CONSUMER == 0
        ]
        rows = [_case(n, portfolio, cases, now, rng) for n in numbers]
        with engine.begin() as connection:
            if people:
                connection.execute(recovery_consumers.insert(), people)
            connection.execute(recovery_cases.insert(), rows)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE recovery_cases"))
        else:
            connection.execute(text("ANALYZE"))
    return time.perf_counter() - began


def _due_count(engine: Engine, now: datetime) -> int:
    query = select(func.count()).where(
        recovery_cases.c.status == "open", recovery_cases.c.next_at <= now
    )
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def _consumer(number: int, model: Any) -> dict[str, Any]:
    return {
        "id": f"{PREFIX}c{number // CASES_PER_CONSUMER}",
        "name": "",
        "email": model.email,
        "phone": model.phone,
        "country": model.country,
        "subdivision": model.subdivision,
        "timezone": model.timezone,
        "language": model.language,
        "vip": model.vip,
    }


def _case(number: int, portfolio: Portfolio, cases: int, now: datetime, rng: random.Random) -> dict:
    row = portfolio.cases[number % len(portfolio.cases)]
    # Evenly spread over the horizon, one day of it already past: a day's work is due.
    next_at = now - BACKLOG + HORIZON * ((number + 0.5) / cases)
    failed_at = min(row.failed_at, now - timedelta(hours=1))
    return {
        "id": f"{PREFIX}{number}",
        "consumer_id": f"{PREFIX}c{number // CASES_PER_CONSUMER}",
        "amount_minor": max(100, int(row.amount_minor * rng.uniform(0.5, 1.5))),
        "currency": row.currency,
        "method": row.method,
        "gateway": row.gateway,
        "card_network": row.network,
        "card_type": row.card_type,
        "failed_at": failed_at,
        "code": row.code,
        "merchant_advice_code": row.advice_code,
        "category": "",
        "product": row.product,
        "due_date": row.due_date.isoformat() if row.due_date else None,
        "segment": "standard",
        "status": "open",
        "recovered_minor": 0,
        "source": "bench",
        "external_id": f"{PREFIX}{number}",
        "instrument": "",
        "next_at": next_at,
    }


# claim_due's query (app/db/recovery_claims.py), as the database is asked to plan it.
CLAIM_SQL = (
    "SELECT id FROM recovery_cases WHERE status = 'open' AND next_at <= :now AND "
    "(claimed_until IS NULL OR claimed_until < :now OR claimed_by = :me) "
    "ORDER BY next_at LIMIT 1"
)


def explain_due(engine: Engine, now: datetime) -> str:
    """The database's own plan for selecting the most overdue free case."""
    postgres = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
    suffix = " FOR UPDATE SKIP LOCKED" if postgres else ""
    query = text(prefix + CLAIM_SQL + suffix).bindparams(
        bindparam("now", type_=UtcDateTime()), bindparam("me")
    )
    with engine.connect() as connection:
        rows = connection.execute(query, {"now": now, "me": "bench"})
        return " | ".join(" ".join(str(v) for v in row) for row in rows)


def _claims(engine: Engine, now: datetime, samples: int = 50) -> list[float]:
    """claim_due as a worker calls it; the leases are given back so the round stays whole."""
    timings = []
    for _ in range(samples):
        began = time.perf_counter()
        case_id = claim_due(engine, "bench", now, timedelta(minutes=5))
        timings.append((time.perf_counter() - began) * 1000)
        if case_id is None:
            break
    with engine.begin() as connection:
        connection.execute(
            recovery_cases.update()
            .where(recovery_cases.c.claimed_by == "bench")
            .values(claimed_by=None, claimed_until=None)
        )
    return timings


def _due_rows(engine: Engine, now: datetime) -> Any:
    """Each due case with its consumer. Copies of fresh failures: no attempts or messages."""
    query = (
        select(recovery_cases, recovery_consumers)
        .join(recovery_consumers, recovery_consumers.c.id == recovery_cases.c.consumer_id)
        .where(recovery_cases.c.status == "open", recovery_cases.c.next_at <= now)
        .order_by(recovery_cases.c.next_at)
    )
    case_columns = [c.name for c in recovery_cases.columns]
    consumer_columns = [c.name for c in recovery_consumers.columns]
    width = len(case_columns)
    with engine.connect() as connection:
        for row in connection.execution_options(yield_per=BATCH).execute(query):
            case = dict(zip(case_columns, row[:width], strict=True))
            consumer = dict(zip(consumer_columns, row[width:], strict=True))
            yield CaseRows(case=case, consumer=consumer, attempts=[], elsewhere=[], messages=[])


def pick(timings: list[float], share: float) -> float:
    """The `share` quantile of timings in ms, rounded to microseconds; 0 when there are none."""
    ordered = sorted(timings)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 3) if ordered else 0.0
