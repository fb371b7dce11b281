"""What the central server publishes of the recovery database for the counters: each case's
signature (changes whenever anything a counter shows of it changes) and its snapshot (the case,
its next action, the server's assessment and its timeline), read in bulk."""

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from app.db.recovery_tables import (
    recovery_attempts,
    recovery_cases,
    recovery_decisions,
    recovery_events,
    recovery_messages,
)
from app.db.recovery_tables_case_actions import recovery_case_actions
from app.recovery.smart_collect.segments import described
from app.services.recovery_cases import case_timeline
from app.services.smart_collect_data import read_consumers
from app.services.smart_collect_queue import QUEUE_STATUSES, assess, last_actions

TIMELINE_LIMIT = 200  # the newest entries travel; a case rarely has more
_CHILDREN = (recovery_decisions, recovery_attempts, recovery_messages, recovery_events,
             recovery_case_actions)  # fmt: skip


def case_signatures(engine: Engine) -> dict[str, str]:
    """case id -> a short digest of what a counter shows of the case (one query)."""
    c = recovery_cases.c
    newest = []
    for table in _CHILDREN:
        # An attempt is updated in place when answered: its count of answered rows moves then.
        answered = func.count(table.c.approved) if table is recovery_attempts else func.count()
        newest.append(
            select(table.c.case_id, func.max(table.c.id).label("top"), answered.label("n"))
            .group_by(table.c.case_id)
            .subquery()
        )
    columns = [c.id, c.status, c.next_at, c.recovered_minor, c.status_reason, c.amount_minor]
    query = select(*columns, *(x for s in newest for x in (s.c.top, s.c.n)))
    for sub in newest:
        query = query.outerjoin(sub, sub.c.case_id == c.id)
    with engine.connect() as connection:
        return {row[0]: _digest(row[1:]) for row in connection.execute(query)}


def _digest(values: Sequence[Any]) -> str:
    return hashlib.blake2b(repr(tuple(values)).encode(), digest_size=12).hexdigest()


def case_snapshots(
    engine: Engine, case_ids: Sequence[str], now: datetime
) -> dict[str, dict[str, Any]]:
    """The feed's data of these cases (JSON-ready); ids no longer in the database are left out."""
    with engine.connect() as connection:
        cases = {
            r.id: dict(r._mapping)
            for r in connection.execute(
                select(recovery_cases).where(recovery_cases.c.id.in_(list(case_ids)))
            )
        }
    actions = last_actions(engine, list(cases))
    queued = [c for c in cases.values() if c["status"] in QUEUE_STATUSES]
    consumers = read_consumers(engine, [c["consumer_id"] for c in queued])
    snapshots = {}
    memo: dict[Any, Any] = {}  # a consumer's pattern and a currency's median: once per chunk
    for case_id, case in cases.items():
        snapshot = _case_data(case, actions.get(case_id))
        if case["status"] in QUEUE_STATUSES and case["consumer_id"] in consumers:
            snapshot.update(_assessment(engine, consumers[case["consumer_id"]], case_id, now, memo))
        _, timeline = case_timeline(engine, case_id)
        snapshot["timeline"] = [
            {"at": e.at.isoformat(), "kind": e.kind, "text": e.text}
            for e in timeline[-TIMELINE_LIMIT:]
        ]
        snapshot["published_at"] = now.isoformat()
        snapshots[case_id] = snapshot
    return snapshots


def _case_data(case: dict[str, Any], last_action: str | None) -> dict[str, Any]:
    if case["status"] == "open":
        next_action = last_action or "first visit by the engine"
    elif case["status"] == "paused":
        next_action = f"paused: {case['status_reason'] or '-'}"
    else:
        next_action = case["status_reason"] or case["status"]
    return {
        "id": case["id"],
        "consumer_id": case["consumer_id"],
        "status": case["status"],
        "status_reason": case["status_reason"] or "",
        "amount_minor": int(case["amount_minor"]),
        "recovered_minor": int(case["recovered_minor"] or 0),
        "written_off_minor": int(case.get("written_off_minor") or 0),  # a discount forgave it
        "currency": case["currency"],
        "method": case["method"],
        "gateway": case["gateway"],
        "code": case["code"] or "",
        "category": case["category"] or "",
        "failed_at": case["failed_at"].isoformat(),
        "next_at": case["next_at"].isoformat() if case["next_at"] else None,
        "next_action": next_action,
    }


def _assessment(
    engine: Engine, rows: Any, case_id: str, now: datetime, memo: dict[Any, Any]
) -> dict[str, Any]:
    assessed = assess(engine, rows, case_id, now, memo)
    return {
        "value_band": assessed.segment("value"),
        "segment": assessed.segment("config"),
        "vip": assessed.segment("vip") == "vip",
        "probability": assessed.forecast.probability,
        "band": assessed.forecast.band.value,
        "segments_text": described(assessed.segments),
    }
