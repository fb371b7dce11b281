"""`recovery simulate`: the engine's real code against a simulated world on a virtual clock."""

import heapq
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from app.db.recovery_repository import SqlRecoveryUnitOfWork, throwaway_database
from app.recovery.cases import RecoveryCase
from app.recovery.code_tables import load_decline_codes
from app.recovery.policies.by_segment import by_segment
from app.recovery.ports import RecoveryUnitOfWork, RecoveryWorld
from app.recovery.segment_rules import SegmentRules
from app.recovery.smart_collect.segments import value_band
from app.services.recovery_engine import RecoveryEngine
from app.services.recovery_portfolio import Portfolio
from app.services.recovery_setup import build, make_policy

TICK = timedelta(minutes=5)  # the clock visits due cases in 5-minute steps, one /events each
POLL = timedelta(hours=1)
RISK_WINDOW = timedelta(days=90)  # failed due payments this recent make a consumer at risk
RISKY_FAILURES = 2


@dataclass
class SimulationReport:
    policy: str
    cases: int
    recovered_minor: dict[str, int]
    recovered_cases: int
    attempts: int
    messages: int
    by_code_category: dict[str, dict[str, Any]]
    by_segment: dict[str, dict[str, Any]]
    seconds: float
    notes: list[str] = field(default_factory=list)  # model, unknown codes, refused rows

    def as_json(self) -> dict[str, Any]:
        keys = (
            "policy",
            "cases",
            "recovered_minor",
            "recovered_cases",
            "attempts",
            "messages",
            "by_code_category",
            "by_segment",
            "seconds",
        )
        return {key: getattr(self, key) for key in keys}


def simulate(
    portfolio: Portfolio,
    world: RecoveryWorld,
    *,
    start: datetime,
    days: int,
    policy_name: str,
    records: Callable[[], RecoveryUnitOfWork] | None = None,
    models_dir: Path | None = None,
    segment_rules: Mapping[str, SegmentRules] | None = None,
) -> SimulationReport:
    """Run one policy; records go to `records`, or to a throwaway SQLite file by default.
    `segment_rules`: the edited segment configurations (by config segment) the cases follow,
    as `recovery run` applies them."""
    began = time.monotonic()
    codes = load_decline_codes()
    setup = build(portfolio, codes, start)
    segment_of = config_segments(portfolio, setup.cases, start)
    policy = by_segment(
        lambda: make_policy(policy_name, setup),
        setup.books,
        setup.cases,
        segment_of,
        segment_rules or {},
    )
    saved = []
    if models_dir is not None and setup.model is not None:
        saved.append(f"model saved as {setup.model.save(models_dir)}")
    with ExitStack() as stack:
        if records is None:
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="recovery-")))
            sessions = throwaway_database(scratch / "simulation.sqlite")
            stack.callback(sessions.kw["bind"].dispose)
            records = lambda: SqlRecoveryUnitOfWork(sessions)  # noqa: E731
        engine = RecoveryEngine(
            policy=policy,
            books=setup.books,
            codes=codes,
            world=world,
            cases=setup.cases,
            uow_factory=records,
        )
        with engine.uow_factory() as uow:
            uow.recovery.add_cases([_case_row(c) for c in setup.cases.values()])
            uow.commit()
        _run_clock(engine, start, start + timedelta(days=days))
    notes = [setup.model_note, setup.odds_note, *saved, *portfolio.refused]
    notes.append(_segments_note(segment_of, segment_rules or {}))
    notes += [
        f"unknown code {code!r} in table {table}" for table, code in sorted(codes.unknown_seen)
    ]
    return _report(policy_name, setup.cases, engine, time.monotonic() - began, notes)


def config_segments(
    portfolio: Portfolio, cases: Mapping[str, RecoveryCase], start: datetime
) -> dict[str, str]:
    """Each case's config segment as the queue would classify it from what the portfolio
    shows: high_value (VIP, or a high value band), at_risk (two or more due payments failed
    in the 90 days before), else standard."""
    failures: Counter[str] = Counter(
        past.consumer_id
        for past in portfolio.history
        if past.attempt_number == 1
        and not past.approved
        and start - RISK_WINDOW <= past.attempted_at <= start
    )
    amounts: dict[str, list[int]] = defaultdict(list)
    for case in cases.values():
        amounts[case.currency].append(case.amount_minor)
    medians = {currency: sorted(found)[len(found) // 2] for currency, found in amounts.items()}
    found = {}
    for case in cases.values():
        band, _ = value_band(case.amount_minor, case.currency, medians[case.currency])
        if case.vip or band == "high":
            found[case.case_id] = "high_value"
        elif failures[case.consumer_id] >= RISKY_FAILURES:
            found[case.case_id] = "at_risk"
        else:
            found[case.case_id] = "standard"
    return found


def _segments_note(segment_of: dict[str, str], rules: Mapping[str, SegmentRules]) -> str:
    counts = Counter(segment_of.values())
    parts = [
        f"{segment} v{rules[segment].version} ({counts[segment]} cases)"
        if segment in rules
        else f"{segment} as built in ({counts[segment]} cases)"
        for segment in sorted(counts)
    ]
    return "segment configurations: " + ", ".join(parts)


def _run_clock(engine: RecoveryEngine, start: datetime, end: datetime) -> None:
    """Visit due cases in time order; the clock and every request's time only move forward."""
    queue: list[tuple[datetime, int, str]] = []
    due_of: dict[str, datetime] = {}
    counter = 0

    def schedule(case_id: str, at: datetime) -> None:
        nonlocal counter
        at = _ceil(at)
        due_of[case_id] = at
        counter += 1
        heapq.heappush(queue, (at, counter, case_id))

    for case in engine.cases.values():
        schedule(case.case_id, max(start, case.failed_at))
    now = start
    while now < end:
        # Even with nothing due, look at the world hourly: a new card wakes a waiting case.
        now = min(queue[0][0] if queue else end, _ceil(now + POLL), end)
        batch: dict[str, RecoveryCase] = {}
        while queue and queue[0][0] <= now:
            at, _, case_id = heapq.heappop(queue)
            if due_of.get(case_id) == at:
                batch[case_id] = engine.cases[case_id]
                del due_of[case_id]
        for case in engine.apply_events(engine.world.events(until=now)):
            batch.setdefault(case.case_id, case)
            due_of.pop(case.case_id, None)
        for case in batch.values():
            again = engine.visit(case, now)
            if again is not None:
                schedule(case.case_id, max(again, now + TICK))
        engine.flush()


def _ceil(at: datetime) -> datetime:
    at = at.replace(microsecond=0)
    step = int(TICK.total_seconds())
    seconds = at.hour * 3600 + at.minute * 60 + at.second
    return at + timedelta(seconds=(-seconds) % step)


def _case_row(case: RecoveryCase) -> dict[str, Any]:
    return {
        "id": case.case_id,
        "consumer_id": case.consumer_id,
        "amount_minor": case.amount_minor,
        "currency": case.currency,
        "method": case.method,
        "gateway": case.gateway,
        "card_network": case.network,
        "card_type": case.card_type,
        "failed_at": case.failed_at,
        "code": case.code,
        "merchant_advice_code": case.advice_code,
        "category": case.first_category.value,
        "product": case.product,
        "due_date": case.due_date.isoformat() if case.due_date else None,
        "segment": case.segment,
        "status": "open",
        "recovered_minor": 0,
    }


def _report(
    policy: str,
    cases: dict[str, RecoveryCase],
    engine: RecoveryEngine,
    seconds: float,
    notes: list[str],
) -> SimulationReport:
    recovered: dict[str, int] = defaultdict(int)
    by_category: dict[str, dict[str, Any]] = {}
    by_segment: dict[str, dict[str, Any]] = {}
    for case in cases.values():
        recovered[case.currency] += case.recovered_minor
        for groups, key in ((by_category, case.first_category.value), (by_segment, case.segment)):
            group = groups.setdefault(
                key, {"cases": 0, "recovered_cases": 0, "recovered_minor": defaultdict(int)}
            )
            group["cases"] += 1
            group["recovered_cases"] += case.owed_minor <= 0
            group["recovered_minor"][case.currency] += case.recovered_minor
    for groups in (by_category, by_segment):
        for group in groups.values():
            group["recovered_minor"] = dict(sorted(group["recovered_minor"].items()))
    return SimulationReport(
        policy=policy,
        cases=len(cases),
        recovered_minor=dict(sorted(recovered.items())),
        recovered_cases=sum(1 for c in cases.values() if c.owed_minor <= 0),
        attempts=engine.tally.attempts,
        messages=engine.tally.messages,
        by_code_category=dict(sorted(by_category.items())),
        by_segment=dict(sorted(by_segment.items())),
        seconds=round(seconds, 3),
        notes=notes,
    )
