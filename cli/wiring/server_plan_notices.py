"""The plan round's hand-over to the recovery database: milestones become queued messages,
cancellations close the plan's missed-installment cases and give a case planned from recovery
back to the engine; each notice is marked handed over only after the recovery database took it
(the next round retries what failed)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from sync.server.plan_handover import WaitingNotice, mark_handed_over, waiting_notices


@dataclass
class HandOver:
    queued: list[str] = field(default_factory=list)  # PP-2026-0001/half_paid
    closed: list[str] = field(default_factory=list)  # recovery case ids
    reopened: list[str] = field(default_factory=list)  # cases planned from recovery, given back


def hand_over_notices(server: Engine, recovery: Engine, now: datetime, currency: str) -> HandOver:
    # Imported here: the server loads the recovery services only where a recovery database is.
    from app.services.counter_plans_notices import close_cancelled_plan_cases, queue_milestones
    from app.services.recovery_plan_offer_links import reopen_cancelled_plan_case

    done = HandOver()
    while notices := waiting_notices(server):
        milestones = [_milestone(n, currency) for n in notices if n.kind != "cancelled"]
        done.queued += queue_milestones(recovery, milestones, now)
        for notice in (n for n in notices if n.kind == "cancelled"):
            reason = str(notice.detail.get("reason") or "")
            done.closed += close_cancelled_plan_cases(recovery, notice.plan_number, reason, now)
            paid = int(notice.detail.get("paid_minor") or 0)
            if origin := reopen_cancelled_plan_case(
                recovery, notice.plan_number, paid, reason, now
            ):
                done.reopened.append(origin)
        mark_handed_over(server, [n.id for n in notices], now)
    return done


def _milestone(notice: WaitingNotice, currency: str) -> Any:
    from app.services.counter_plans_notices import MilestoneNotice

    detail = notice.detail
    return MilestoneNotice(
        plan_number=notice.plan_number,
        milestone=notice.kind,
        account_number=notice.account_number,
        consumer=notice.consumer,
        paid_minor=int(detail.get("paid_minor") or 0),
        total_minor=int(detail.get("total_minor") or 0),
        currency=currency,
        reached_on=detail.get("on"),
        recorded_at=notice.occurred_at,
    )
