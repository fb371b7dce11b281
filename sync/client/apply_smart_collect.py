"""Apply Smart Collect from the feed: entity "smart_collect" (a consumer's view and their cases'
analytics facts) and "escalation_steps" (a case's steps), each replaced as a whole; a delete
removes them. A view is read back into its dataclasses before it is stored: one that does not
read raises BadChange and is quarantined (sync.client.guarded), the rest of the page applies."""

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, insert
from sqlalchemy.orm import Session

from app.db.tables.smart_collect_feed import (
    SyncedCaseFacts,
    SyncedEscalationStep,
    SyncedSmartCollectView,
)
from sync.client.rows import BadChange
from sync.protocol import Change

VIEW = "smart_collect"
STEPS = "escalation_steps"
STATES = ("open", "done", "missed")
_views: Table = SyncedSmartCollectView.__table__  # type: ignore[assignment]
_facts: Table = SyncedCaseFacts.__table__  # type: ignore[assignment]
_steps: Table = SyncedEscalationStep.__table__  # type: ignore[assignment]


def apply_smart_collect(session: Session, batch: list[Change]) -> int:
    """Replace each consumer's view and case facts; a delete removes both."""
    keys = [c.key for c in batch]
    rows, facts = [], []
    for change in batch:
        if change.op != "delete":
            row, own = _view_rows(change)
            rows.append(row)
            facts += own
    session.execute(delete(_facts).where(_facts.c.consumer_id.in_(keys)))
    session.execute(delete(_views).where(_views.c.consumer_id.in_(keys)))
    if facts:  # a case moved to another consumer: its facts follow it
        session.execute(delete(_facts).where(_facts.c.case_id.in_([f["case_id"] for f in facts])))
        session.execute(insert(_facts), facts)
    if rows:
        session.execute(insert(_views), rows)
    return len(batch)


def _view_rows(change: Change) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = change.data or {}
    if str(data.get("consumer_id", change.key)) != change.key:
        raise BadChange(f"smart collect view {change.key} names {data.get('consumer_id')}")
    # Imported here: the Smart Collect modules need not load for every pull.
    from app.services.smart_collect_feed_view import MalformedView, view_from_dict

    try:
        view = view_from_dict(data["view"])
    except MalformedView as error:
        raise BadChange(f"smart collect view {change.key}: {error}") from None
    if view.consumer_id != change.key:
        raise BadChange(f"smart collect view {change.key} is {view.consumer_id}'s")
    published_at = _at(data["published_at"])
    facts = [_facts_row(change.key, f) for f in data.get("cases") or []]
    row = {"consumer_id": change.key, "view_json": json.dumps(data["view"]),
           "published_at": published_at}  # fmt: skip
    return row, facts


def _facts_row(consumer_id: str, fact: dict[str, Any]) -> dict[str, Any]:
    charges = [[int(day), int(hour), bool(ok)] for day, hour, ok in fact.get("charges") or []]
    if any(not (1 <= day <= 31 and 0 <= hour <= 23) for day, hour, _ in charges):
        raise BadChange(f"case {fact.get('case_id')} has a charge outside the calendar")
    retries = int(fact.get("retries") or 0)
    if retries < 0:
        raise BadChange(f"case {fact.get('case_id')} has a negative count of retries")
    recovered_at = fact.get("recovered_at")
    return {
        "case_id": str(fact["case_id"]),
        "consumer_id": consumer_id,
        "segment": str(fact.get("segment") or ""),
        "channel": str(fact.get("channel") or ""),
        "retries": retries,
        "recovered": bool(fact.get("recovered")),
        "recovered_at": _at(recovered_at) if recovered_at else None,
        "charges_json": json.dumps(charges),
    }


def apply_escalation_steps(session: Session, batch: list[Change]) -> int:
    """Replace each case's steps; a delete removes them."""
    rows = [_step_row(change, step) for change in batch if change.op != "delete"
            for step in (change.data or {}).get("steps") or []]  # fmt: skip
    session.execute(delete(_steps).where(_steps.c.case_id.in_([c.key for c in batch])))
    if rows:
        session.execute(delete(_steps).where(_steps.c.id.in_([r["id"] for r in rows])))
        session.execute(insert(_steps), rows)
    return len(batch)


def _step_row(change: Change, step: dict[str, Any]) -> dict[str, Any]:
    if str(step.get("case_id", change.key)) != change.key:
        raise BadChange(f"escalation steps of {change.key} carry a step of {step.get('case_id')}")
    if step.get("state") not in STATES:
        raise BadChange(f"escalation step {step.get('id')} is {step.get('state')!r}")
    closed_at = step.get("closed_at")
    return {
        "id": int(step["id"]),
        "case_id": change.key,
        "rule": str(step["rule"]),
        "action": str(step["action"]),
        "owner": str(step["owner"]),
        "why": str(step.get("why") or ""),
        "opened_at": _at(step["opened_at"]),
        "due_at": _at(step["due_at"]),
        "state": str(step["state"]),
        "closed_at": _at(closed_at) if closed_at else None,
        "closed_by": step.get("closed_by"),
        "note": step.get("note"),
        "published_at": _at((change.data or {})["published_at"]),
    }


def _at(value: object) -> datetime:
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise BadChange(f"{value!r} is not a UTC time")
    return moment
