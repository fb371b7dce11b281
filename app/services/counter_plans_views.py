"""Payment plans as the counter shows them: the list with each plan's compliance, one plan's
schedule with days late and milestones, and what a plan means for disconnection."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.domain.counter_plans import is_provisional
from app.domain.errors import NotFound, UserFacingError
from app.domain.plan_compliance import (
    InstallmentFacts,
    PlanCompliance,
    PlanState,
    plan_compliance,
)
from app.services.unit_of_work import UnitOfWork

REVIEW_FLAG = "disconnection_review"  # the server's flag for a broken plan
LIST_LIMIT = 500


@dataclass(frozen=True)
class PlanSummary:
    plan_id: uuid.UUID
    plan_number: str
    account_number: str
    consumer_name: str
    created_on: date
    frequency: str
    compliance: PlanCompliance
    sync_state: str  # "" once the server has it; "pending" / "parked" otherwise

    @property
    def state(self) -> PlanState:
        return self.compliance.state


@dataclass(frozen=True)
class PlanDetail:
    summary: PlanSummary
    down_payment_minor: int
    note: str
    created_by: str
    modified_by: str
    version: int
    parked_reason: str  # why the server refused the last change, when it did
    review_flag: str  # the server's open disconnection review, if any
    cancel_reason: str = ""  # why a cancelled plan was cancelled (from whichever counter)


@dataclass(frozen=True)
class DisconnectionStanding:
    """What the consumer's plans say about disconnecting them."""

    protected_by: tuple[str, ...]  # compliant plans: do not disconnect
    broken: tuple[str, ...]  # broken plans: a disconnection review is due

    @property
    def message(self) -> str:
        if self.protected_by:
            return (
                f"On a compliant payment plan ({', '.join(self.protected_by)}): do not disconnect."
            )
        if self.broken:
            return f"Payment plan {', '.join(self.broken)} broken: disconnection review."
        return ""


def plans_overview(
    uow: UnitOfWork, *, states: Iterable[PlanState] | None = None, search: str = ""
) -> list[PlanSummary]:
    """Plans, the ones needing attention first (broken, behind), then by plan number."""
    wanted = set(states) if states is not None else None
    with uow:
        rows = uow.plan_views.listed(search.strip())
        summaries = _summaries(uow, rows)
    if wanted is not None:
        summaries = [s for s in summaries if s.state in wanted]
    order = {PlanState.BROKEN: 0, PlanState.BEHIND: 1, PlanState.PENDING: 2}
    summaries.sort(key=lambda s: (order.get(s.state, 3), s.plan_number))
    return summaries[:LIST_LIMIT]


def plan_detail(uow: UnitOfWork, plan_number: str) -> PlanDetail:
    with uow:
        number = plan_number.strip()
        if not number:
            raise UserFacingError("Enter the plan number.")
        row = uow.plan_views.numbered(number)
        if row is None:
            raise NotFound(f"No payment plan numbered '{number}'.")
        [summary] = _summaries(uow, [row])
        plan = uow.plan_views.plan(row.id)
        assert plan is not None
        parked = uow.plan_views.parked_reason(plan.id)
        flag = uow.plan_views.open_flag(REVIEW_FLAG, plan.id)
        return PlanDetail(
            summary,
            plan.down_payment_minor or 0,
            plan.note or "",
            plan.created_by or "",
            plan.modified_by or "",
            plan.version or 1,
            parked or "",
            flag or "",
            plan.cancel_reason or "",
        )


def consumer_plan_summaries(uow: UnitOfWork, account_number: str) -> list[PlanSummary]:
    """A consumer's plans (read-only for a cashier on the consumer's profile)."""
    with uow:
        consumer = uow.consumers.by_account_number(account_number.strip())
        if consumer is None:
            raise NotFound(f"No consumer with account number '{account_number.strip()}'.")
        rows = uow.plan_views.of_consumer(consumer.id)
        return _summaries(uow, rows)


def disconnection_standing(uow: UnitOfWork, account_number: str) -> DisconnectionStanding:
    """A consumer on a compliant plan is not disconnected; a broken plan raises a review."""
    plans = consumer_plan_summaries(uow, account_number)
    live = [p for p in plans if p.state not in (PlanState.COMPLETED, PlanState.CANCELLED)]
    return DisconnectionStanding(
        tuple(p.plan_number for p in live if p.compliance.compliant),
        tuple(p.plan_number for p in live if p.state is PlanState.BROKEN),
    )


def disconnection_reviews(uow: UnitOfWork) -> list[PlanSummary]:
    """Broken plans, whether the server's review flag has reached this counter yet or not."""
    return plans_overview(uow, states=[PlanState.BROKEN])


# -- reading the facts (plain columns: app/db/repositories/plan_views.py) ---------------------


def _summaries(uow: UnitOfWork, rows: Iterable[Any]) -> list[PlanSummary]:
    """`rows`: plans as uow.plan_views lists them."""
    plans = list(rows)
    ids = [plan.id for plan in plans]
    if not ids:
        return []
    dated = uow.plan_views.dated_payments(ids)
    installments = _installments(uow, ids, dated)
    unsettled = uow.plan_views.unsettled(ids)
    today = uow.today()
    result = []
    for plan in plans:
        mine = installments.get(plan.key, [])
        state = unsettled.get(plan.id, "")
        facts = [_facts(i, paid, dated.get(i.id, [])) for i, paid in mine]
        payments = [p for i, _ in mine for p in dated.get(i.id, [])]
        compliance = plan_compliance(
            facts,
            today,
            cancelled=plan.status == "Cancelled",
            pending=bool(state) or is_provisional(plan.plan_number),
            payments=payments,
        )
        result.append(
            PlanSummary(
                plan.id,
                plan.plan_number,
                plan.account_number,
                plan.name,
                plan.created_on,
                plan.frequency or "",
                compliance,
                state,
            )
        )
    return result


def _installments(
    uow: UnitOfWork, plan_ids: list[uuid.UUID], dated: dict[str, list[tuple[date, int]]]
) -> dict[str, list[tuple[Any, int]]]:
    """Each plan's installments with what was paid and credited on them, by the plan's key."""
    credit = uow.plan_views.credited(plan_ids)
    paid: dict[str, int] = {}
    for installment_id, amounts in dated.items():
        paid[installment_id] = sum(amount for _, amount in amounts)
    found: dict[str, list[tuple[Any, int]]] = {}
    for row in uow.plan_views.installments(plan_ids):
        total = paid.get(row.id, 0) + credit.get(row.id, 0)
        found.setdefault(row.plan_id, []).append((row, total))
    return found


def _facts(installment: Any, paid: int, dated: list[tuple[date, int]]) -> InstallmentFacts:
    paid_on = None
    running = 0
    for day, amount in sorted(dated) if dated else ():
        running += amount
        if running >= installment.amount_minor:
            paid_on = day
            break
    return InstallmentFacts(
        installment.number, installment.amount_minor, installment.due_date, paid, paid_on
    )
