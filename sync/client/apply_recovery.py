"""Apply recovery cases from the feed (entity "recovery_case"): the case row and its timeline,
replaced as a whole, so the counter's Recovery screens work offline on the latest copy."""

from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, insert
from sqlalchemy.orm import Session

from app.db.tables.recovery_feed import SyncedRecoveryCase, SyncedTimelineEntry
from sync.client.rows import BadChange
from sync.protocol import Change

ENTITY = "recovery_case"
_cases: Table = SyncedRecoveryCase.__table__  # type: ignore[assignment]
_timeline: Table = SyncedTimelineEntry.__table__  # type: ignore[assignment]


def apply_recovery_cases(session: Session, batch: list[Change]) -> int:
    """Upsert each case and replace its timeline; a delete removes both."""
    keys = [c.key for c in batch]
    session.execute(delete(_timeline).where(_timeline.c.case_id.in_(keys)))
    session.execute(delete(_cases).where(_cases.c.id.in_(keys)))
    rows, lines = [], []
    for change in batch:
        if change.op == "delete":
            continue
        row, timeline = _case_row(change)
        rows.append(row)
        lines += timeline
    if rows:
        session.execute(insert(_cases), rows)
    if lines:
        session.execute(insert(_timeline), lines)
    return len(batch)


def _case_row(change: Change) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = change.data or {}
    if str(data.get("id", change.key)) != change.key:
        raise BadChange(f"recovery case {change.key} carries the id {data.get('id')}")
    amount, recovered = int(data["amount_minor"]), int(data.get("recovered_minor") or 0)
    written_off = int(data.get("written_off_minor") or 0)  # a discount offer forgave it
    if amount < 0 or recovered < 0 or written_off < 0:
        raise BadChange(f"recovery case {change.key} has a negative amount")
    probability = data.get("probability")
    row = {
        "id": change.key,
        "consumer_id": str(data["consumer_id"]),
        "status": str(data["status"]),
        "status_reason": str(data.get("status_reason") or ""),
        "amount_minor": amount,
        "recovered_minor": recovered,
        "written_off_minor": written_off,
        "currency": str(data["currency"]),
        "method": str(data.get("method") or ""),
        "gateway": str(data.get("gateway") or ""),
        "code": str(data.get("code") or ""),
        "category": str(data.get("category") or ""),
        "failed_at": _at(data["failed_at"]),
        "next_at": _at(data["next_at"]) if data.get("next_at") else None,
        "next_action": str(data.get("next_action") or ""),
        "value_band": str(data.get("value_band") or ""),
        "segment": str(data.get("segment") or ""),
        "vip": bool(data.get("vip")),
        "probability": float(probability) if probability is not None else None,
        "band": str(data.get("band") or ""),
        "segments_text": str(data.get("segments_text") or ""),
        "published_at": _at(data.get("published_at") or data["failed_at"]),
    }
    timeline = [
        {"case_id": change.key, "position": n, "at": _at(e["at"]), "kind": str(e["kind"]),
         "text": str(e["text"])}
        for n, e in enumerate(data.get("timeline") or [])
    ]  # fmt: skip
    return row, timeline


def _at(value: object) -> datetime:
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise BadChange(f"{value!r} is not a UTC time")
    return moment
