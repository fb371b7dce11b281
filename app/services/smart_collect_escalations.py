"""Escalation steps of open cases: opened by the rules, due in the region's business hours,
closed as done by a person or marked missed when the due time passes first."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, update

from app.db.recovery_tables_smart_collect import recovery_escalations
from app.domain.errors import UserFacingError
from app.recovery.quiet_hours import HolidayCalendar
from app.recovery.smart_collect.escalation import BusinessHours, CaseFacts, escalations
from app.services.recovery_webhook_events import publish_case_escalated
from app.services.smart_collect_queue import CaseAssessment, assess_open_cases
from app.services.smart_collect_segments import current_configs

_CALENDAR = HolidayCalendar()


@dataclass(frozen=True)
class EscalationRow:
    id: int
    case_id: str
    rule: str
    action: str
    owner: str
    why: str
    opened_at: datetime
    due_at: datetime
    state: str
    closed_at: datetime | None
    closed_by: str | None
    note: str | None


def business_hours(consumer: dict[str, Any], zone: Any) -> BusinessHours:
    """The consumer's region: its zone, weekends and public holidays (state days included)."""
    country = consumer.get("country") or "US"
    subdivision = consumer.get("subdivision") or ""
    return BusinessHours(zone, lambda day: _CALENDAR.is_holiday(day, country, subdivision))


def evaluate_escalations(
    engine: Engine, now: datetime, executive: str = "recovery executive"
) -> list[EscalationRow]:
    """Open the steps the rules call for (once per case and rule), mark overdue ones missed,
    and list every step, open ones first."""
    configs = current_configs(engine)
    opened = []
    for item in assess_open_cases(engine, now):
        facts = _facts(item, configs, executive)
        hours = business_hours(item.rows.consumer, item.rows.zone)
        opened += [(facts.case_id, step) for step in escalations(facts, now, hours)]
    with engine.begin() as connection:
        known = {
            (r.case_id, r.rule)
            for r in connection.execute(
                select(recovery_escalations.c.case_id, recovery_escalations.c.rule)
            )
        }
        new: list[dict[str, Any]] = [
            {
                "case_id": case_id,
                "rule": s.rule,
                "action": s.action,
                "owner": s.owner,
                "why": s.why,
                "opened_at": now,
                "due_at": s.due_at,
                "state": "open",
            }
            for case_id, s in opened
            if (case_id, s.rule) not in known
        ]
        if new:
            connection.execute(recovery_escalations.insert(), new)
            for step in new:  # integrators hear it as the step opens, in the same transaction
                detail = {
                    "rule": step["rule"],
                    "action": step["action"],
                    "owner": step["owner"],
                    "due_at": step["due_at"].isoformat(),
                }
                publish_case_escalated(connection, step["case_id"], step["why"], detail, now)
        connection.execute(
            update(recovery_escalations)
            .where(recovery_escalations.c.state == "open", recovery_escalations.c.due_at < now)
            .values(state="missed", closed_at=now)
        )
    return list_escalations(engine)


def list_escalations(engine: Engine) -> list[EscalationRow]:
    e = recovery_escalations.c
    with engine.connect() as connection:
        rows = connection.execute(select(recovery_escalations).order_by(e.due_at, e.id))
        found = [EscalationRow(**r._mapping) for r in rows]
    order = {"open": 0, "missed": 1, "done": 2}
    return sorted(found, key=lambda r: order.get(r.state, 3))


def close_escalation(engine: Engine, step_id: int, by: str, note: str, now: datetime) -> None:
    """A person did the step; a missed step may still be done (late, and it stays on record
    that it was missed: the note says so)."""
    if not by.strip():
        raise UserFacingError("Say who did the step (--user).")
    with engine.begin() as connection:
        state = connection.execute(
            select(recovery_escalations.c.state).where(recovery_escalations.c.id == step_id)
        ).scalar_one_or_none()
        if state is None:
            raise UserFacingError(f"There is no escalation step {step_id}.")
        if state == "done":
            raise UserFacingError(f"Escalation step {step_id} is done already.")
        late = " (done after it was missed)" if state == "missed" else ""
        connection.execute(
            update(recovery_escalations)
            .where(recovery_escalations.c.id == step_id)
            .values(state="done", closed_at=now, closed_by=by.strip(), note=note + late)
        )


def _facts(item: CaseAssessment, configs: dict[str, Any], executive: str) -> CaseFacts:
    segment = item.segment("config")
    return CaseFacts(
        case_id=item.case["id"],
        vip=item.segment("vip") == "vip",
        value_band=item.segment("value"),
        at_risk=item.segment("risk") == "at_risk",
        failures=item.failures,
        category=item.last_category,
        failed_at=item.case["failed_at"],
        grace_days=int(configs[segment].settings["grace_period_days"]),
        executive=executive,
    )
