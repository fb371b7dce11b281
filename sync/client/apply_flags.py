"""Apply the server's flags from the feed: open flags are listed on the Sync screen, resolved
ones are kept with how they were resolved."""

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.tables import OutboxRecord, SyncFlag
from sync.client.apply_records import moment
from sync.protocol import Change


def apply_flags(session: Session, batch: list[Change]) -> int:
    """Open flags are listed; a resolved one is kept with how it was resolved (off the open
    list). A resolution made here and not yet sent is never overwritten by the server's
    older view of the flag."""
    unsent = _unsent_resolutions(session)
    for change in batch:
        row = session.get(SyncFlag, change.key)
        if change.op == "delete":
            if row is not None and change.key not in unsent:
                session.delete(row)
            continue
        data = change.data or {}
        found = data.get("detail")
        detail: dict[str, Any] = found if isinstance(found, dict) else {}
        merged = {**detail, **{k: v for k, v in data.items() if k != "detail"}}
        subject = str(merged.get("subject") or "")
        entity, _, entity_id = subject.partition(":")
        values: dict[str, Any] = {
            "kind": str(merged.get("kind") or "flag"),
            "entity": str(merged.get("entity") or entity or "") or None,
            "entity_id": str(merged.get("entity_id") or entity_id or "") or None,
            "reason": str(merged.get("reason") or merged.get("message") or _describe(merged)),
            "data_json": json.dumps(merged, sort_keys=True, default=str),
            "flagged_at": moment(merged.get("updated_at") or merged.get("created_at")),
        }
        if change.key not in unsent:
            values.update(_resolution_values(data.get("resolved_at"), detail.get("resolution")))
        if row is None:
            session.add(SyncFlag(key=change.key, **values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
    session.flush()
    return len(batch)


def _unsent_resolutions(session: Session) -> set[str]:
    return {
        str(entity_id)
        for entity_id in session.scalars(
            select(OutboxRecord.entity_id).where(
                OutboxRecord.entity == "flag_resolution", OutboxRecord.state == "pending"
            )
        )
    }


def _resolution_values(resolved_at: object, resolution: object) -> dict[str, Any]:
    if not resolved_at:
        return {"resolved_at": None, "resolution": None, "resolution_json": None}
    how = resolution if isinstance(resolution, dict) else {}
    return {
        "resolved_at": moment(resolved_at),
        "resolution": str(how.get("resolution") or "Resolved")[:20],
        "resolution_json": json.dumps(how, sort_keys=True, default=str) if how else None,
    }


def _describe(data: dict[str, Any]) -> str:
    kind = str(data.get("kind") or "flag").replace("_", " ")
    return kind[:1].upper() + kind[1:]
