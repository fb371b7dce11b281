"""Cancel a payment plan at the counter: a billing manager's decision with a reason, audited and
pushed to the server like a modification (the version it was made from travels with it).

A cancelled plan's unpaid installments are no longer due, and the consumer is no longer
protected from disconnection by it; what was paid into it stays paid.
"""

import uuid
from dataclasses import dataclass

from app.domain.changes import Area, Changes
from app.domain.counter_plans import (
    ACTIVE,
    CANCELLED,
    PLAN_CANCELLERS,
    check_cancel_reason,
    check_cancel_record,
)
from app.domain.errors import PermissionDenied, UserFacingError
from app.services.actors import Actor, actor_for
from app.services.counter_plans import (
    ENTITY,
    _audit_view,
    _consumer_of,
    _installments,
    _kept,
    _plan,
    _snapshot,
)
from app.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class PlanCancelled:
    plan_id: uuid.UUID
    plan_number: str
    reason: str
    unpaid_minor: int  # what the consumer no longer owes through the plan
    changes: Changes = frozenset({Area.PLANS, Area.CONSUMERS, Area.SYNC})


def require_plan_canceller(actor: Actor) -> None:
    if actor.role not in PLAN_CANCELLERS:
        raise PermissionDenied(f"A {actor.role.label.lower()} may not cancel payment plans.")


def cancel_plan(
    uow: UnitOfWork, plan_number: str, reason: str, *, username: str | None = None
) -> PlanCancelled:
    with uow:
        actor = actor_for(uow, username)
        require_plan_canceller(actor)
        why = check_cancel_reason(reason)
        plan = _plan(uow, plan_number)
        if plan.status != ACTIVE:
            raise UserFacingError(f"Plan {plan.plan_number} is {plan.status.lower()} already.")
        rows = _installments(uow, plan)
        _, paid = _kept(uow, plan)
        total = sum(r.amount_minor for r in rows)
        if rows and paid >= total:
            raise UserFacingError(f"Plan {plan.plan_number} is paid in full: nothing to cancel.")
        consumer = _consumer_of(uow, plan)
        base_version = plan.version or 1
        before = _snapshot(plan, consumer, rows, uow, base_version=None)
        plan.status = CANCELLED
        plan.cancel_reason = why  # shown on the plan screen here; the feed brings it elsewhere
        plan.modified_by = actor.username
        plan.modified_at = uow.now()
        plan.version = base_version + 1
        payload = _snapshot(plan, consumer, rows, uow, base_version=base_version)
        payload["cancel_reason"] = why
        check_cancel_record(payload)
        uow.audit(
            user_id=actor.user_id,
            action="plan.cancelled",
            entity="payment_plan",
            entity_id=plan.id,
            before=_audit_view(before),
            after={**_audit_view(payload), "status": CANCELLED, "reason": why},
        )
        uow.enqueue(ENTITY, plan.id, payload)
        uow.commit()
        return PlanCancelled(plan.id, plan.plan_number, why, max(total - paid, 0))
