"""A consumer's payment plans with every installment: paid, outstanding and where it stands
(the statuses are app.domain.plan_compliance's, as on the plans screens)."""

from dataclasses import dataclass
from datetime import date

from app.db.queries.dues import ItemRow
from app.domain.plan_compliance import InstallmentFacts, InstallmentState, plan_compliance
from app.services.consumers import find_consumer
from app.services.unit_of_work import UnitOfWork

CANCELLED = "Cancelled"  # a plan's status once it was cancelled: nothing unpaid is due


@dataclass(frozen=True)
class InstallmentView:
    reference: str  # PP-2025-0034/1: what the cashier types to pay it
    number: int
    amount_minor: int
    due_date: date
    paid_minor: int  # payments and applied credit
    outstanding_minor: int
    status: InstallmentState


@dataclass(frozen=True)
class PlanView:
    plan_number: str
    created_on: date
    status: str
    installments: tuple[InstallmentView, ...]

    @property
    def total_minor(self) -> int:
        return sum(i.amount_minor for i in self.installments)

    @property
    def paid_minor(self) -> int:
        return sum(i.paid_minor for i in self.installments)

    @property
    def outstanding_minor(self) -> int:
        return sum(i.outstanding_minor for i in self.installments)


def consumer_plans(uow: UnitOfWork, account_number: str) -> list[PlanView]:
    """Oldest plan first, installments in order; statuses as of the service center's today."""
    with uow:
        consumer = find_consumer(uow, account_number)
        today = uow.today()
        plans = uow.consumers.plans(consumer.id)
        by_plan: dict[str, list[ItemRow]] = {}
        for row in uow.consumers.items_by_kind(consumer.id, "installment"):
            plan_number = row.reference.rpartition("/")[0]
            by_plan.setdefault(plan_number, []).append(row)
        return [
            PlanView(
                plan.plan_number,
                plan.created_on,
                plan.status,
                _installments(by_plan.get(plan.plan_number, []), today, plan.status == CANCELLED),
            )
            for plan in plans
        ]


def _installments(rows: list[ItemRow], today: date, cancelled: bool) -> tuple[InstallmentView, ...]:
    """In number order, each with its state as the plans screens judge it."""
    rows = sorted(rows, key=_number)
    # What is still owed decides, as the ledger says it (adjustments included).
    facts = [
        InstallmentFacts(
            _number(r), r.amount_minor, r.due_date, r.amount_minor - r.outstanding_minor
        )
        for r in rows
    ]
    judged = plan_compliance(facts, today, cancelled=cancelled).installments
    return tuple(
        InstallmentView(
            reference=row.reference,
            number=_number(row),
            amount_minor=row.amount_minor,
            due_date=row.due_date,
            paid_minor=row.paid_minor + row.credited_minor,
            outstanding_minor=row.outstanding_minor,
            status=compliance.state,
        )
        for row, compliance in zip(rows, judged, strict=True)
    )


def _number(row: ItemRow) -> int:
    return int(row.reference.rpartition("/")[2])
