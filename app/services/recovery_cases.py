"""Recovery cases for people: the list, one case's timeline, pause / resume / stop."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, update

from app.db.recovery_tables import (
    recovery_attempts,
    recovery_cases,
    recovery_decisions,
    recovery_events,
    recovery_messages,
)
from app.domain.errors import UserFacingError
from app.domain.money import decimal_text

STATUSES = ("open", "paid", "paused", "stopped", "disputed", "at_counter", "plan")
# verb: (the statuses it applies to, the new status)
CHANGES = {
    "pause": (("open",), "paused"),
    "resume": (("paused",), "open"),
    "stop": (("open", "paused"), "stopped"),
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # intake, decision, attempt, message, event, payment, note, escalation
    text: str


def list_cases(engine: Engine, status: str | None = None) -> list[dict[str, Any]]:
    if status is not None and status not in STATUSES:
        raise UserFacingError(f"Unknown status {status!r}: choose one of {', '.join(STATUSES)}.")
    c = recovery_cases.c
    query = select(
        c.id, c.consumer_id, c.amount_minor, c.recovered_minor, c.currency, c.gateway,
        c.category, c.status, c.next_at, c.status_reason, c.written_off_minor,
    ).order_by(c.next_at.is_(None), c.next_at, c.id)  # fmt: skip
    if status is not None:
        query = query.where(c.status == status)
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def case_timeline(engine: Engine, case_id: str) -> tuple[dict[str, Any], list[TimelineEntry]]:
    # Here, not at the top: the case actions bring the quiet-hours calendars, phone numbers and
    # numpy, and `tilldesk recovery`'s parser imports this module for STATUSES.
    from app.services.recovery_case_actions import action_text, case_actions

    with engine.connect() as connection:
        row = connection.execute(select(recovery_cases).where(recovery_cases.c.id == case_id))
        found = row.first()
        if found is None:
            raise UserFacingError(f"There is no recovery case {case_id}.")
        case = dict(found._mapping)

        def money(minor: int) -> str:
            return f"{decimal_text(minor, case['currency'])} {case['currency']}"

        entries = [
            TimelineEntry(
                case["failed_at"],
                "intake",
                f"{money(case['amount_minor'])} failed at {case['gateway']}, "
                f"code {case['code'] or '-'} ({case['category']}), from {case['source'] or '-'}",
            )
        ]
        for d in _rows(connection, recovery_decisions, case_id):
            score = f", score {d['score']:.2f}" if d["score"] is not None else ""
            entries.append(
                TimelineEntry(
                    d["decided_at"],
                    "decision",
                    f"{d['kind']} at {d['act_at']:%Y-%m-%d %H:%M}Z ({d['policy']}{score}): "
                    f"{d['reason']}",
                )
            )
        for a in _rows(connection, recovery_attempts, case_id):
            outcome = {True: "approved", False: "declined", None: "no answer yet"}[a["approved"]]
            if a["state"] == "unsent":
                outcome = "never reached the gateway"
            entries.append(
                TimelineEntry(
                    a["at"],
                    "payment" if a["approved"] else "attempt",
                    f"charge {money(a['amount_minor'])}: {outcome}, code "
                    f"{a['code'] or '-'}{' (' + a['category'] + ')' if a['category'] else ''}"
                    f" [{a['state']}, key {a['idempotency_key'] or '-'}]",
                )
            )
        for m in _rows(connection, recovery_messages, case_id):
            accepted = "accepted" if m["accepted"] else f"refused: {m['error']}"
            link = " with a payment link" if m["payment_link"] else ""
            entries.append(
                TimelineEntry(
                    m["at"], "message", f"{m['template']} on {m['channel']}{link}: {accepted}"
                )
            )
        for e in _rows(connection, recovery_events, case_id):
            detail = (e["detail"] or {}).get("reason", "")
            entries.append(TimelineEntry(e["at"], "event", f"{e['type']} {detail}".strip()))
        for action in case_actions(connection, case_id):  # notes and manual escalations
            entries.append(TimelineEntry(action.at, action.kind, action_text(action)))
    return case, sorted(entries, key=lambda e: e.at)


def change_status(engine: Engine, case_id: str, verb: str, reason: str, now: datetime) -> str:
    """Pause, resume or stop a case, with the reason kept on the timeline."""
    allowed, new_status = CHANGES[verb]
    if not reason.strip():
        raise UserFacingError(f"Say why with --reason to {verb} case {case_id}.")
    with engine.begin() as connection:
        current = connection.execute(
            select(recovery_cases.c.status).where(recovery_cases.c.id == case_id)
        ).scalar_one_or_none()
        if current is None:
            raise UserFacingError(f"There is no recovery case {case_id}.")
        if current not in allowed:
            raise UserFacingError(f"Case {case_id} is {current}: it cannot be {verb}d.")
        values: dict[str, Any] = {"status": new_status, "status_reason": reason.strip()}
        if new_status == "open":
            values["next_at"] = now
        connection.execute(
            update(recovery_cases).where(recovery_cases.c.id == case_id).values(**values)
        )
        connection.execute(
            recovery_events.insert().values(
                case_id=case_id, at=now, type=new_status, amount_minor=0,
                detail={"reason": reason.strip(), "was": current},
            )
        )  # fmt: skip
    return new_status


def _rows(connection: Any, table: Any, case_id: str) -> list[dict[str, Any]]:
    query = select(table).where(table.c.case_id == case_id).order_by(table.c.id)
    return [dict(r._mapping) for r in connection.execute(query)]
