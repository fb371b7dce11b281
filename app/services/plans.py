"""A consumer's payment plans with every installment: paid, outstanding and where it stands."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.db.queries.dues import ItemRow
from app.services.consumers import find_consumer
from app.services.unit_of_work import UnitOfWork


class InstallmentStatus(StrEnum):
    PAID = "Paid"
    PARTLY_PAID = "Partly paid"
    DUE = "Due"
    OVERDUE = "Overdue"


@dataclass(frozen=True)
class InstallmentView:
    reference: str  # PP-2025-0034/1: what the cashier types to pay it
    number: int
    amount_minor: int
    due_date: date
    paid_minor: int  # payments and applied credit
    outstanding_minor: int
    status: InstallmentStatus


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
        by_plan: dict[str, list[InstallmentView]] = {}
        for row in uow.consumers.items_by_kind(consumer.id, "installment"):
            plan_number = row.reference.rpartition("/")[0]
            by_plan.setdefault(plan_number, []).append(_installment(row, today))
        return [
            PlanView(
                plan.plan_number,
                plan.created_on,
                plan.status,
                tuple(sorted(by_plan.get(plan.plan_number, []), key=lambda i: i.number)),
            )
            for plan in plans
        ]


def installment_status(
    outstanding_minor: int, paid_minor: int, due: date, today: date
) -> InstallmentStatus:
    """Paid in full, else overdue once the due date has passed, else partly paid or due."""
    if outstanding_minor <= 0:
        return InstallmentStatus.PAID
    if due < today:
        return InstallmentStatus.OVERDUE
    return InstallmentStatus.PARTLY_PAID if paid_minor > 0 else InstallmentStatus.DUE


def _installment(row: ItemRow, today: date) -> InstallmentView:
    paid = row.paid_minor + row.credited_minor
    outstanding = row.outstanding_minor
    return InstallmentView(
        reference=row.reference,
        number=int(row.reference.rpartition("/")[2]),
        amount_minor=row.amount_minor,
        due_date=row.due_date,
        paid_minor=paid,
        outstanding_minor=outstanding,
        status=installment_status(outstanding, paid, row.due_date, today),
    )
