"""Reschedule a case to its consumer's optimal window, or ask for an attempt now (supervisor).

Both only move the case's next visit and record a decision with the reason: the service loop
(`recovery run`) then charges through the attempt ledger's permits as always. Neither moves a
case to a time the network rules would refuse: the ledger is rebuilt from the case's rows and
asked first, and the next allowed time is taken (or the action refused) when it says no.
"""

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select, update

from app.db.recovery_claims import read_case
from app.db.recovery_tables import recovery_cases, recovery_decisions
from app.domain.errors import UserFacingError
from app.recovery.code_tables import load_decline_codes
from app.recovery.smart_collect.window import next_window
from app.services.recovery_state import rebuild
from app.services.smart_collect import income_of
from app.services.smart_collect_data import read_consumer

POLICY = "smart_collect"
WINDOW_HOUR = time(10, 0)  # mid-morning local: the salary is in, the day's spending is not


@dataclass(frozen=True)
class ActionResult:
    case_id: str
    next_at: datetime
    reason: str
    optimal_window_used: bool


def reschedule_to_window(engine: Engine, case_id: str, by: str, now: datetime) -> ActionResult:
    case = _open_case(engine, case_id, now)
    rows = read_consumer(engine, case["consumer_id"])
    income = income_of(rows)
    window = next_window(income, now.astimezone(rows.zone).date())
    if window is None:
        raise UserFacingError(
            f"Case {case_id} cannot be rescheduled: the income pattern of consumer "
            f"{case['consumer_id']} is unknown (fewer than 3 credits or approved payments)."
        )
    wanted = max(
        now, datetime.combine(window.start, WINDOW_HOUR, rows.zone).astimezone(ZoneInfo("UTC"))
    )
    at, rules = _allowed_from(engine, case_id, wanted, now)
    inside = at.astimezone(rows.zone).date() <= window.end
    reason = (
        f"rescheduled by {by} to the optimal window {window.start}..{window.end} "
        f"(confidence {window.confidence:.0f}): {window.reason}; {rules}"
    )
    if not inside:
        reason += "; the network rules allow it only after the window"
    _save(engine, case_id, at, "retry_at", reason, now)
    return ActionResult(case_id, at, reason, inside)


def attempt_now(engine: Engine, case_id: str, by: str, now: datetime) -> ActionResult:
    """A supervisor's 'attempt now': refused, with nothing written, when the rules forbid it."""
    _open_case(engine, case_id, now)
    at, rules = _allowed_from(engine, case_id, now, now)
    if at > now:
        raise UserFacingError(
            f"Case {case_id} cannot be attempted now: {rules}. The earliest allowed time is "
            f"{at:%Y-%m-%d %H:%M}Z; use reschedule for that."
        )
    reason = f"attempt now, asked by supervisor {by}; {rules}"
    _save(engine, case_id, now, "retry_now", reason, now)
    return ActionResult(case_id, now, reason, False)


def _open_case(engine: Engine, case_id: str, now: datetime) -> dict:
    with engine.connect() as connection:
        row = connection.execute(
            select(recovery_cases).where(recovery_cases.c.id == case_id)
        ).first()
    if row is None:
        raise UserFacingError(f"There is no recovery case {case_id}.")
    case = dict(row._mapping)
    if case["status"] != "open":
        raise UserFacingError(f"Case {case_id} is {case['status']}: only open cases are scheduled.")
    if case["claimed_until"] is not None and case["claimed_until"] > now:
        raise UserFacingError(
            f"Case {case_id} is being visited by worker {case['claimed_by']} right now: try again "
            "in a few minutes."
        )
    return case


def _allowed_from(
    engine: Engine, case_id: str, wanted: datetime, now: datetime
) -> tuple[datetime, str]:
    """The first time from `wanted` on that the case's attempt ledger allows, and why."""
    view = rebuild(read_case(engine, case_id, now), load_decline_codes(), "smart", None)
    ledger = view.books.attempts
    verdict = ledger.allowed(case_id, wanted)
    if verdict.allowed:
        return wanted, "the network rules allow it"
    later = ledger.next_allowed_time(case_id, wanted)
    if later is None:
        raise UserFacingError(
            f"Case {case_id} cannot be charged again: {verdict.reason}. Ask the consumer for a "
            "new payment method."
        )
    return later, f"the network rules refuse {wanted:%Y-%m-%d %H:%M}Z ({verdict.reason})"


def _save(
    engine: Engine, case_id: str, at: datetime, kind: str, reason: str, now: datetime
) -> None:
    with engine.begin() as connection:
        moved = connection.execute(
            update(recovery_cases)
            .where(recovery_cases.c.id == case_id, recovery_cases.c.status == "open")
            .values(next_at=at)
        )
        if moved.rowcount != 1:
            raise UserFacingError(f"Case {case_id} changed meanwhile: it is no longer open.")
        connection.execute(
            recovery_decisions.insert().values(
                case_id=case_id, decided_at=now, policy=POLICY, kind=kind, act_at=at,
                amount_minor=0, reason=reason,
            )
        )  # fmt: skip


__all__ = ["ActionResult", "attempt_now", "reschedule_to_window"]
