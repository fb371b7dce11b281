"""Plan notices waiting for the recovery service: the milestones to message and the
cancellations whose cases to close, read with the plan's consumer and marked once taken, so a
recovery database that was down gets them on the next round and none is handed over twice."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, update

from sync.server.tables import consumers, payment_plans
from sync.server.tables_counter_plans import plan_notices

HANDED_OVER = ("half_paid", "completed", "cancelled")
PAGE = 500


@dataclass(frozen=True)
class WaitingNotice:
    id: uuid.UUID
    plan_number: str
    kind: str  # half_paid | completed | cancelled
    detail: dict[str, Any]
    occurred_at: datetime
    consumer: dict[str, Any]  # the consumer's row as counters hold it

    @property
    def account_number(self) -> str:
        return str(self.consumer.get("account_number") or "")


def waiting_notices(engine: Engine, limit: int = PAGE) -> list[WaitingNotice]:
    """The oldest notices not handed over yet."""
    query = (
        select(
            plan_notices.c.id,
            plan_notices.c.plan_number,
            plan_notices.c.kind,
            plan_notices.c.detail,
            plan_notices.c.occurred_at,
            consumers.c.data.label("consumer"),
        )
        .join(payment_plans, payment_plans.c.id == plan_notices.c.plan_id)
        .join(consumers, consumers.c.id == payment_plans.c.consumer_id)
        .where(plan_notices.c.handed_over_at.is_(None), plan_notices.c.kind.in_(HANDED_OVER))
        .order_by(plan_notices.c.occurred_at, plan_notices.c.plan_number)
        .limit(limit)
    )
    with engine.connect() as conn:
        return [
            WaitingNotice(
                r.id,
                r.plan_number,
                r.kind,
                dict(r.detail or {}),
                r.occurred_at,
                dict(r.consumer or {}),
            )
            for r in conn.execute(query)
        ]


def mark_handed_over(engine: Engine, ids: Sequence[uuid.UUID], now: datetime) -> None:
    if not ids:
        return
    with engine.begin() as conn:
        conn.execute(
            update(plan_notices)
            .where(plan_notices.c.id.in_(list(ids)), plan_notices.c.handed_over_at.is_(None))
            .values(handed_over_at=now)
        )
