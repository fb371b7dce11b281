"""The facts the plan screens read (plans, installments, dated payments, sync state), as plain
columns: the list screen reads every plan, and building tens of thousands of mapped objects
costs seconds."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select, String, func, select, type_coerce
from sqlalchemy.orm import Session

from app.db.tables import (
    Consumer,
    CreditNoteApplication,
    Installment,
    OutboxRecord,
    Payment,
    PaymentAllocation,
    PaymentPlan,
    SyncFlag,
)

_UNSETTLED = ("pending", "parked", "flagged")
MANY_PLANS = 500  # beyond this many plans, their rows are read whole rather than by id

_PLANS = select(
    PaymentPlan.id,
    type_coerce(PaymentPlan.id, String).label("key"),
    PaymentPlan.plan_number,
    PaymentPlan.created_on,
    PaymentPlan.status,
    PaymentPlan.frequency,
    Consumer.account_number,
    Consumer.name,
).join(Consumer, Consumer.id == PaymentPlan.consumer_id)


class PlanViewRepository:
    """Rows carry `key`, the plan's id as text: installments and payments come keyed by it."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def listed(self, search: str = "") -> list[Any]:
        """Plans whose number, account number or consumer name contains `search`, by number."""
        query = _PLANS
        if search:
            like = f"%{search}%"
            query = query.where(
                PaymentPlan.plan_number.ilike(like)
                | Consumer.account_number.ilike(like)
                | Consumer.name.ilike(like)
            )
        return list(self.session.execute(query.order_by(PaymentPlan.plan_number)).all())

    def numbered(self, plan_number: str) -> Any | None:
        """However it is typed (pp-1042 is PP-1042)."""
        query = _PLANS.where(func.upper(PaymentPlan.plan_number) == plan_number.upper())
        return self.session.execute(query).first()

    def of_consumer(self, consumer_id: uuid.UUID) -> list[Any]:
        """Oldest first."""
        query = _PLANS.where(PaymentPlan.consumer_id == consumer_id)
        order = (PaymentPlan.created_on, PaymentPlan.plan_number)
        return list(self.session.execute(query.order_by(*order)).all())

    def plan(self, plan_id: uuid.UUID) -> PaymentPlan | None:
        return self.session.get(PaymentPlan, plan_id)

    def dated_payments(self, plan_ids: list[uuid.UUID]) -> dict[str, list[tuple[date, int]]]:
        """Payments on the plans' installments (day, amount), by the installment's key."""
        query = select(
            _key(PaymentAllocation.installment_id),
            Payment.payment_date,
            PaymentAllocation.amount_minor,
        ).join(Payment, Payment.id == PaymentAllocation.payment_id)
        query = query.where(PaymentAllocation.installment_id.is_not(None))
        found: dict[str, list[tuple[date, int]]] = {}
        for installment_id, day, amount in self.session.execute(
            _among(query, plan_ids, via=PaymentAllocation.installment_id)
        ):
            found.setdefault(installment_id, []).append((day, amount))
        return found

    def credited(self, plan_ids: list[uuid.UUID]) -> dict[str, int]:
        """Credit notes applied to the plans' installments, by the installment's key."""
        query = (
            select(
                _key(CreditNoteApplication.installment_id),
                func.sum(CreditNoteApplication.amount_minor),
            )
            .where(CreditNoteApplication.installment_id.is_not(None))
            .group_by(CreditNoteApplication.installment_id)
        )
        rows = self.session.execute(
            _among(query, plan_ids, via=CreditNoteApplication.installment_id)
        )
        return {key: int(total) for key, total in rows}

    def installments(self, plan_ids: list[uuid.UUID]) -> list[Any]:
        """Rows of id and plan_id (keys), number, amount_minor, due_date; by plan and number."""
        query = select(
            _key(Installment.id).label("id"),
            _key(Installment.plan_id).label("plan_id"),
            Installment.number,
            Installment.amount_minor,
            Installment.due_date,
        ).order_by(Installment.plan_id, Installment.number)
        return list(self.session.execute(_among(query, plan_ids)))

    def unsettled(self, plan_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        """Plans whose last change the server has not taken yet: pending, parked or flagged."""
        query = select(OutboxRecord.entity_id, OutboxRecord.state).where(
            OutboxRecord.entity == "payment_plan", OutboxRecord.state.in_(_UNSETTLED)
        )
        if len(plan_ids) <= MANY_PLANS:
            query = query.where(OutboxRecord.entity_id.in_(plan_ids))
        return {entity_id: state for entity_id, state in self.session.execute(query)}

    def parked_reason(self, plan_id: uuid.UUID) -> str | None:
        """Why the server refused the plan's last change, when it did."""
        return self.session.scalar(
            select(OutboxRecord.reason)
            .where(OutboxRecord.entity_id == plan_id, OutboxRecord.state == "parked")
            .order_by(OutboxRecord.seq.desc())
        )

    def open_flag(self, kind: str, plan_id: uuid.UUID) -> str | None:
        """The reason of the server's unresolved flag of that kind on the plan."""
        return self.session.scalar(
            select(SyncFlag.reason).where(
                SyncFlag.kind == kind,
                SyncFlag.entity_id == str(plan_id),
                SyncFlag.resolved_at.is_(None),
            )
        )


def _key(column: Any) -> Any:
    """An id as the text SQLite stores: a cheap dictionary key, no UUID built per row."""
    return type_coerce(column, String)


def _among(query: Select[Any], plan_ids: list[uuid.UUID], *, via: Any = None) -> Select[Any]:
    """Limit a query to the plans' installments (joined on `via`, an installment id column);
    for a long list of plans (the whole list screen) read them all instead: SQLite caps the
    parameters of one statement, and one scan beats thousands of lookups anyway."""
    if len(plan_ids) > MANY_PLANS:
        return query
    if via is not None:
        query = query.join(Installment, Installment.id == via)
    return query.where(Installment.plan_id.in_(plan_ids))
