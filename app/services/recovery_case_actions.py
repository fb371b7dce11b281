"""What a person does on a case: a free-text note, or a manual escalation to a named owner
due in the consumer's business hours (it also opens a step among the case's escalations)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from app.db.recovery_tables import recovery_cases, recovery_consumers
from app.db.recovery_tables_case_actions import recovery_case_actions
from app.db.recovery_tables_smart_collect import recovery_escalations
from app.domain.errors import UserFacingError
from app.recovery.zones import consumer_zones
from app.services.recovery_webhook_events import publish_case_escalated
from app.services.smart_collect_escalations import business_hours

MANUAL_WITHIN_HOURS = 4  # as the VIP rule: a person asked for it, a person answers soon
MAX_NOTE = 4000
MANUAL_ACTION = "manual escalation"


@dataclass(frozen=True)
class CaseAction:
    id: int
    case_id: str
    kind: str  # note | escalation
    text: str
    owner: str | None
    due_at: datetime | None
    by_user: str
    at: datetime


def add_note(engine: Engine, case_id: str, text: str, by: str, now: datetime) -> CaseAction:
    """A free-text note on the case's timeline; nothing is written when it is empty."""
    text, by = _required(text, "Write the note's text."), _required(by, "Say who writes (--user).")
    if len(text) > MAX_NOTE:
        raise UserFacingError(f"A note is at most {MAX_NOTE} characters ({len(text)} given).")
    with engine.begin() as connection:
        _case(connection, case_id)
        return _insert(connection, case_id, "note", text, None, None, by, now)


def escalate_case(
    engine: Engine,
    case_id: str,
    owner: str,
    reason: str,
    by: str,
    now: datetime,
    within_hours: float = MANUAL_WITHIN_HOURS,
) -> CaseAction:
    """Hand the case to `owner`, due `within_hours` business hours from now in the consumer's
    region; integrators hear case.escalated in the same transaction."""
    owner = _required(owner, "Name who the case is escalated to (--to).")
    reason = _required(reason, "Say why the case is escalated (--reason).")
    by = _required(by, "Say who escalates (--user).")
    with engine.begin() as connection:
        case = _case(connection, case_id)
        if case["status"] not in ("open", "paused"):
            raise UserFacingError(f"Case {case_id} is {case['status']}: nothing to escalate.")
        consumer = _consumer(connection, case["consumer_id"])
        zone = consumer_zones(
            consumer.get("timezone") or "", consumer.get("phone") or "",
            consumer.get("country") or "US", consumer.get("subdivision") or "",
        )[0]  # fmt: skip
        due = business_hours(consumer, zone).add(now, within_hours)
        action = _insert(connection, case_id, "escalation", reason, owner, due, by, now)
        connection.execute(
            recovery_escalations.insert().values(
                case_id=case_id, rule=f"manual:{action.id}", action=MANUAL_ACTION, owner=owner,
                why=f"{reason} (by {by})", opened_at=now, due_at=due, state="open",
            )
        )  # fmt: skip
        detail = {"rule": "manual", "action": MANUAL_ACTION, "owner": owner,
                  "due_at": due.isoformat(), "by": by}  # fmt: skip
        publish_case_escalated(connection, case_id, reason, detail, now)
    return action


def case_actions(connection: Connection, case_id: str) -> list[CaseAction]:
    a = recovery_case_actions.c
    query = select(recovery_case_actions).where(a.case_id == case_id).order_by(a.at, a.id)
    return [CaseAction(**r._mapping) for r in connection.execute(query)]


def action_text(action: CaseAction) -> str:
    """How the action reads on the case's timeline."""
    if action.kind == "note":
        return f"note by {action.by_user}: {action.text}"
    due = f"{action.due_at:%Y-%m-%d %H:%M}Z" if action.due_at else "-"
    return (
        f"escalated by {action.by_user} to {action.owner}, due {due} (business hours): "
        f"{action.text}"
    )


def _insert(
    connection: Connection,
    case_id: str,
    kind: str,
    text: str,
    owner: str | None,
    due_at: datetime | None,
    by: str,
    now: datetime,
) -> CaseAction:
    values = {"case_id": case_id, "kind": kind, "text": text, "owner": owner,
              "due_at": due_at, "by_user": by, "at": now}  # fmt: skip
    new_id = connection.execute(
        recovery_case_actions.insert().values(**values)
    ).inserted_primary_key
    assert new_id is not None
    return CaseAction(id=int(new_id[0]), **values)  # type: ignore[arg-type]


def _case(connection: Connection, case_id: str) -> dict[str, Any]:
    row = connection.execute(select(recovery_cases).where(recovery_cases.c.id == case_id)).first()
    if row is None:
        raise UserFacingError(f"There is no recovery case {case_id}.")
    return dict(row._mapping)


def _consumer(connection: Connection, consumer_id: str) -> dict[str, Any]:
    row = connection.execute(
        select(recovery_consumers).where(recovery_consumers.c.id == consumer_id)
    ).first()
    return dict(row._mapping) if row else {"id": consumer_id, "country": "US"}


def _required(text: str, message: str) -> str:
    if not text or not text.strip():
        raise UserFacingError(message)
    return text.strip()
