"""What the recovery service does with the notices of plans the central server owns: a
milestone (half paid, completed) is queued once for a message to the consumer
(counter_plans_messages sends it), and a cancelled plan's missed-installment cases are closed
once, each with the reason on its timeline; a case already recovered stays as it is."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError

from app.db.recovery_tables import recovery_cases, recovery_events
from app.db.recovery_tables_plan_notices import recovery_plan_notices
from app.services.counter_plans_intake import SOURCE, recovery_consumer
from app.services.recovery_intake import save_consumers

MILESTONES = ("half_paid", "completed")
CLOSABLE = ("open", "paused", "disputed")  # paid, at the counter, stopped: left as they are
CLOSED = "stopped"
CLOSED_EVENT = "plan_cancelled"


@dataclass(frozen=True)
class MilestoneNotice:
    plan_number: str
    milestone: str  # half_paid | completed
    account_number: str
    consumer: Mapping[str, Any]  # the consumer's row as counters hold it (contact, zone)
    paid_minor: int
    total_minor: int
    currency: str
    reached_on: str | None  # ISO day the payments crossed it
    recorded_at: datetime  # when the server's round recorded it


def notice_key(plan_number: str, milestone: str) -> str:
    return f"{plan_number}/{milestone}"


def queue_milestones(
    recovery: Engine, notices: Sequence[MilestoneNotice], now: datetime, country: str = "US"
) -> list[str]:
    """Queue each milestone's message once; returns the keys queued now (a repeat is a no-op)."""
    wanted = [n for n in notices if n.milestone in MILESTONES]
    save_consumers(
        recovery, [recovery_consumer(n.account_number, n.consumer, country) for n in wanted]
    )
    queued = []
    for notice in wanted:
        key = notice_key(notice.plan_number, notice.milestone)
        row = {
            "id": key, "plan_number": notice.plan_number, "milestone": notice.milestone,
            "consumer_id": notice.account_number,
            "consumer_name": str(notice.consumer.get("name") or "")[:128],
            "paid_minor": notice.paid_minor, "total_minor": notice.total_minor,
            "currency": notice.currency, "reached_on": notice.reached_on,
            "recorded_at": notice.recorded_at, "status": "pending", "next_at": now,
            "attempts": 0,
        }  # fmt: skip
        try:
            with recovery.begin() as connection:
                connection.execute(recovery_plan_notices.insert().values(row))
        except IntegrityError:
            continue  # queued by an earlier round: the consumer hears of it once
        queued.append(key)
    return queued


def close_cancelled_plan_cases(
    recovery: Engine, plan_number: str, reason: str, now: datetime
) -> list[str]:
    """Close the plan's missed-installment cases still being chased; returns those closed.
    Safe to repeat: a closed case is no longer closable, so its event is written once."""
    c = recovery_cases.c
    words = f"plan {plan_number} cancelled" + (f": {reason}" if reason else "")
    closed = []
    with recovery.begin() as connection:
        ids = connection.scalars(
            select(c.id).where(
                c.source == SOURCE,
                c.external_id.like(f"{plan_number}/%"),
                c.status.in_(CLOSABLE),
            )
        ).all()
        for case_id in ids:
            moved = connection.execute(
                update(recovery_cases)
                .where(c.id == case_id, c.status.in_(CLOSABLE))
                .values(status=CLOSED, next_at=None, status_reason=words[:1000])
            )
            if moved.rowcount != 1:
                continue  # another round closed it first
            connection.execute(
                recovery_events.insert().values(
                    case_id=case_id, at=now, type=CLOSED_EVENT, amount_minor=0,
                    detail={"reason": words, "plan_number": plan_number},
                )
            )  # fmt: skip
            closed.append(case_id)
    return closed
