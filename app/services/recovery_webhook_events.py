"""Which recovery changes become outgoing webhook events, and what their payloads hold.

Called inside the transaction that makes the change, so the event commits with it.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from app.db.recovery_tables import recovery_cases
from app.services.outgoing_webhooks import publish_event

RECOVERED = "paid"
# The engine gave the case up without recovering it: a recovery executive must take it on.
ESCALATED = ("stopped", "at_counter", "disputed")


def case_payload(case: dict[str, Any]) -> dict[str, Any]:
    """The case as integrators see it: money in integer minor units with its currency."""
    failed_at = case["failed_at"]
    return {
        "case_id": case["id"],
        "consumer_id": case["consumer_id"],
        "amount_minor": int(case["amount_minor"]),
        "recovered_minor": int(case.get("recovered_minor") or 0),
        "written_off_minor": int(case.get("written_off_minor") or 0),
        "currency": case["currency"],
        "method": case["method"],
        "gateway": case["gateway"],
        "category": case["category"],
        "segment": case["segment"],
        "status": case["status"],
        "failed_at": failed_at.isoformat() if isinstance(failed_at, datetime) else failed_at,
    }


def publish_cases_opened(
    connection: Connection, rows: list[dict[str, Any]], now: datetime | None = None
) -> None:
    for row in rows:
        publish_event(connection, "case.opened", case_payload(row), now=now)


def publish_case_outcome(
    connection: Connection, case_id: str, status: str | None, now: datetime | None = None
) -> None:
    """case.recovered or case.escalated when `status` (just written) calls for one."""
    if status != RECOVERED and status not in ESCALATED:
        return
    case = _case(connection, case_id)
    if status == RECOVERED:
        publish_event(connection, "case.recovered", case_payload(case), now=now)
    else:
        publish_case_escalated(connection, case_id, case.get("status_reason") or "", now=now)


def publish_case_escalated(
    connection: Connection,
    case_id: str,
    reason: str,
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """case.escalated: the case needs a person now (`detail`: e.g. the rule, owner, due time)."""
    payload = case_payload(_case(connection, case_id)) | {"reason": reason}
    if detail:
        payload["escalation"] = detail
    publish_event(connection, "case.escalated", payload, now=now or datetime.now(UTC))


def _case(connection: Connection, case_id: str) -> dict[str, Any]:
    row = connection.execute(select(recovery_cases).where(recovery_cases.c.id == case_id))
    return dict(row.one()._mapping)
