"""Payment plans and their installments as the counter's plan use cases read and write them."""

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.db.queries import dues
from app.db.queries.dues import ItemRow
from app.db.tables import CreditNoteApplication, Installment, PaymentAllocation, PaymentPlan


class PlanRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_number(self, plan_number: str) -> PaymentPlan | None:
        """However it is typed (pp-1042 is PP-1042)."""
        return self.session.scalar(
            select(PaymentPlan).where(func.upper(PaymentPlan.plan_number) == plan_number.upper())
        )

    def installments(self, plan_id: uuid.UUID) -> list[Installment]:
        """The plan's installments, by number."""
        query = select(Installment).where(Installment.plan_id == plan_id)
        return list(self.session.scalars(query.order_by(Installment.number)))

    def due_installments(
        self, consumer_id: uuid.UUID, plan_numbers: list[str] | None = None
    ) -> list[ItemRow]:
        """The consumer's installments with what was paid and credited (cancelled plans out)."""
        return dues.installments(self.session, consumer_id, plan_numbers)

    def touched(self, installment_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        """Installments any payment or credit note was ever put on (voided ones too)."""
        ids = list(installment_ids)
        paid = self.session.scalars(
            select(PaymentAllocation.installment_id).where(
                PaymentAllocation.installment_id.in_(ids)
            )
        )
        credited = self.session.scalars(
            select(CreditNoteApplication.installment_id).where(
                CreditNoteApplication.installment_id.in_(ids)
            )
        )
        return {i for i in paid if i is not None} | {i for i in credited if i is not None}

    def add(self, plan: PaymentPlan) -> None:
        self.session.add(plan)
        self.session.flush()

    def add_installments(self, rows: Sequence[Installment]) -> None:
        self.session.add_all(rows)
        self.session.flush()

    def drop_installments(self, plan_id: uuid.UUID, *, keeping: Collection[int]) -> None:
        """Remove the plan's installments except those numbered in `keeping`."""
        self.session.execute(
            delete(Installment).where(
                Installment.plan_id == plan_id, Installment.number.not_in(list(keeping))
            )
        )
        self.session.flush()
