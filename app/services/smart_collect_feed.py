"""What the central server publishes of Smart Collect for the counters: per consumer with a
case, the whole Smart Collect view and the facts the Recovery analytics screen groups its cases
by; per case with escalation steps, the steps. Each with a signature (a digest of its inputs,
read for every record in one or two queries) and its snapshot (built only for the changed)."""

import hashlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from app.db.recovery_tables import recovery_cases, recovery_consumers, recovery_messages
from app.db.recovery_tables_smart_collect import recovery_credits, recovery_escalations
from app.services.recovery_feed import case_signatures
from app.services.smart_collect import smart_collect_view, view_as_dict
from app.services.smart_collect_data import ConsumerRows, forecast_outcomes, read_consumers

NO_MESSAGE = "no reminder"  # the analytics' channel of a case no reminder went out for


def consumer_signatures(engine: Engine) -> dict[str, str]:
    """consumer (account number) -> a digest of their cases (each case's own feed signature:
    status, amounts, decisions, attempts, messages, events), credits and consumer row."""
    cases = case_signatures(engine)
    inputs: dict[str, list[Any]] = defaultdict(list)
    k, r = recovery_consumers.c, recovery_credits.c
    with engine.connect() as connection:
        owners = connection.execute(select(recovery_cases.c.id, recovery_cases.c.consumer_id))
        for case_id, consumer_id in owners:
            inputs[consumer_id].append((case_id, cases.get(case_id)))
        credits = connection.execute(
            select(r.consumer_id, func.count(), func.max(r.id)).group_by(r.consumer_id)
        )
        extra = {row[0]: tuple(row[1:]) for row in credits}
        people = connection.execute(select(k.id, k.name, k.timezone, k.country, k.subdivision,
                                           k.phone, k.vip))  # fmt: skip
        person = {row[0]: tuple(row[1:]) for row in people}
    return {
        consumer_id: _digest((sorted(own), extra.get(consumer_id), person.get(consumer_id)))
        for consumer_id, own in inputs.items()
    }


def consumer_snapshots(
    engine: Engine, consumer_ids: Sequence[str], now: datetime
) -> dict[str, dict[str, Any]]:
    """Each consumer's view (as the server's API gives it) and per-case analytics facts."""
    found = read_consumers(engine, list(consumer_ids))
    outcomes = forecast_outcomes(engine)  # the calibration: read once for the whole chunk
    channels = _channels(engine, [c["id"] for rows in found.values() for c in rows.cases])
    snapshots = {}
    for consumer_id, rows in found.items():
        if not rows.cases:
            continue  # a consumer without a case has nothing to collect
        view = smart_collect_view(engine, consumer_id, now, record=False, rows=rows,
                                  outcomes=outcomes)  # fmt: skip
        snapshots[consumer_id] = {
            "consumer_id": consumer_id,
            "view": view_as_dict(view),
            "cases": [_case_facts(rows, case, channels.get(case["id"])) for case in rows.cases],
            "published_at": now.isoformat(),
        }
    return snapshots


def _case_facts(rows: ConsumerRows, case: dict[str, Any], channels: Counter | None) -> dict:
    """What the analytics screen needs of a case that the case's own feed row does not say."""
    own = [a for a in rows.attempts if a["case_id"] == case["id"] and a["approved"] is not None]
    approved = [a["at"] for a in own if a["approved"]]
    recovered = case["status"] == "paid" or case["recovered_minor"] >= case["amount_minor"]
    recovered_at = max(approved) if approved else rows.paid_events.get(case["id"])
    charges = []
    for attempt in own:
        local = attempt["at"].astimezone(rows.zone)
        charges.append([local.day, local.hour, bool(attempt["approved"])])
    channel = max(channels.items(), key=lambda p: (p[1], p[0]))[0] if channels else NO_MESSAGE
    return {
        "case_id": case["id"],
        "segment": case["segment"] or "",
        "channel": channel,
        "retries": len(own),
        "recovered": recovered,
        "recovered_at": recovered_at.isoformat() if recovered and recovered_at else None,
        "charges": charges,
    }


def _channels(engine: Engine, case_ids: list[str]) -> dict[str, Counter]:
    m = recovery_messages.c
    found: dict[str, Counter] = defaultdict(Counter)
    with engine.connect() as connection:
        for start in range(0, len(case_ids), 500):
            query = (
                select(m.case_id, m.channel, func.count())
                .where(m.case_id.in_(case_ids[start : start + 500]), m.accepted.is_(True))
                .group_by(m.case_id, m.channel)
            )
            for case_id, channel, n in connection.execute(query):
                found[case_id][channel] += n
    return found


def step_signatures(engine: Engine) -> dict[str, str]:
    """case id -> a digest of its escalation steps: a step opens (count, newest id) and closes
    as done or missed (closed count, newest close) - nothing else of a step changes."""
    e = recovery_escalations.c
    query = select(e.case_id, func.count(), func.max(e.id), func.count(e.closed_at),
                   func.max(e.closed_at)).group_by(e.case_id)  # fmt: skip
    with engine.connect() as connection:
        return {row[0]: _digest(tuple(row[1:])) for row in connection.execute(query)}


def step_snapshots(
    engine: Engine, case_ids: Sequence[str], now: datetime
) -> dict[str, dict[str, Any]]:
    e = recovery_escalations.c
    steps: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with engine.connect() as connection:
        query = select(recovery_escalations).where(e.case_id.in_(list(case_ids)))
        for row in connection.execute(query.order_by(e.due_at, e.id)):
            step = dict(row._mapping)
            steps[step["case_id"]].append(
                {k: v.isoformat() if isinstance(v, datetime) else v for k, v in step.items()}
            )
    return {
        case_id: {"case_id": case_id, "steps": own, "published_at": now.isoformat()}
        for case_id, own in steps.items()
    }


def _digest(value: Any) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=12).hexdigest()
