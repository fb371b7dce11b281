"""Create and modify payment plans at the counter: validated terms, a schedule preview, and a
record the server takes (the outbox) and numbers; until then the plan shows a provisional number.

The server owns plans: it checks the pushed plan with the same rules (app.domain.counter_plans),
gives it its PP- number and publishes it to every counter through the feed.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.db.tables import Consumer, Installment, PaymentPlan
from app.domain.changes import Area, Changes
from app.domain.counter_plans import NOTE_MAX as NOTE_MAX
from app.domain.counter_plans import (
    PLAN_MANAGERS,
    Frequency,
    KeptInstallment,
    PlanTerms,
    ScheduledInstallment,
    build_schedule,
    check_plan_record,
    check_terms,
    is_provisional,
    provisional_number,
)
from app.domain.errors import NotFound, PermissionDenied, UserFacingError
from app.domain.ids import new_id
from app.domain.money import parse_amount
from app.services.actors import Actor, actor_for
from app.services.consumers import find_consumer
from app.services.unit_of_work import UnitOfWork

ENTITY = "payment_plan"  # the outbox entity the server's plans handler takes


@dataclass(frozen=True)
class PlanRequest:
    """The form as typed: amounts as text, as a person enters them."""

    total: str
    down_payment: str
    installments: int | str
    frequency: str
    first_due: date | str
    note: str = ""


@dataclass(frozen=True)
class PlanPreview:
    account_number: str
    consumer_name: str
    plan_number: str | None  # None for a new plan
    currency: str
    terms: PlanTerms
    schedule: tuple[ScheduledInstallment, ...]
    warnings: tuple[str, ...]  # things worth a second look that do not stop the plan


@dataclass(frozen=True)
class PlanSaved:
    plan_id: uuid.UUID
    plan_number: str  # provisional (PP-NEW-...) until the server numbers it
    schedule: tuple[ScheduledInstallment, ...]
    changes: Changes = frozenset({Area.PLANS, Area.CONSUMERS, Area.SYNC})


def require_plan_manager(actor: Actor) -> None:
    if actor.role not in PLAN_MANAGERS:
        raise PermissionDenied(f"A {actor.role.label.lower()} may not create or modify plans.")


def preview_plan(
    uow: UnitOfWork,
    request: PlanRequest,
    *,
    account_number: str | None = None,
    plan_number: str | None = None,
    username: str | None = None,
) -> PlanPreview:
    """What saving would create: the schedule, or the first problem as a UserFacingError."""
    with uow:
        require_plan_manager(actor_for(uow, username))
        return _prepare(uow, request, account_number, plan_number)


def create_plan(
    uow: UnitOfWork, account_number: str, request: PlanRequest, *, username: str | None = None
) -> PlanSaved:
    with uow:
        actor = actor_for(uow, username)
        require_plan_manager(actor)
        preview = _prepare(uow, request, account_number, None)
        consumer = find_consumer(uow, account_number)
        plan_id = new_id()
        plan = PaymentPlan(
            id=plan_id,
            consumer_id=consumer.id,
            plan_number=provisional_number(plan_id),
            created_on=uow.today(),
            status="Active",
            created_by=actor.username,
        )
        _set_terms(plan, preview.terms, request.note, actor, uow)
        plan.version = 1
        uow.plans.add(plan)
        rows = _write_installments(uow, plan, preview.schedule)
        payload = _snapshot(plan, consumer, rows, uow, base_version=None)
        check_plan_record(payload, uow.today())
        uow.audit(
            user_id=actor.user_id,
            action="plan.created",
            entity="payment_plan",
            entity_id=plan.id,
            after=_audit_view(payload),
        )
        uow.enqueue(ENTITY, plan.id, payload)
        uow.commit()
        return PlanSaved(plan.id, plan.plan_number, preview.schedule)


def modify_plan(
    uow: UnitOfWork, plan_number: str, request: PlanRequest, *, username: str | None = None
) -> PlanSaved:
    """Reschedule what is left: installments already paid into stay as they are."""
    with uow:
        actor = actor_for(uow, username)
        require_plan_manager(actor)
        preview = _prepare(uow, request, None, plan_number)
        plan = _plan(uow, plan_number)
        consumer = _consumer_of(uow, plan)
        before = _snapshot(plan, consumer, _installments(uow, plan), uow, base_version=None)
        kept = {k.number for k in preview.schedule if k.kept}
        uow.plans.drop_installments(plan.id, keeping=kept)
        base_version = plan.version or 1
        _set_terms(plan, preview.terms, request.note, actor, uow)
        plan.version = base_version + 1
        rows = _write_installments(uow, plan, [s for s in preview.schedule if not s.kept])
        rows = sorted(_installments(uow, plan), key=lambda i: i.number)
        payload = _snapshot(plan, consumer, rows, uow, base_version=base_version)
        check_plan_record(payload, uow.today())
        uow.audit(
            user_id=actor.user_id,
            action="plan.modified",
            entity="payment_plan",
            entity_id=plan.id,
            before=_audit_view(before),
            after=_audit_view(payload),
        )
        uow.enqueue(ENTITY, plan.id, payload)
        uow.commit()
        return PlanSaved(plan.id, plan.plan_number, preview.schedule)


# -- the checks, shared by preview and save ---------------------------------------------------
def _prepare(
    uow: UnitOfWork, request: PlanRequest, account_number: str | None, plan_number: str | None
) -> PlanPreview:
    currency = uow.settings().currency
    today = uow.today()
    warnings: list[str] = []
    if plan_number is not None:
        plan = _plan(uow, plan_number)
        consumer = _consumer_of(uow, plan)
        kept, paid = _kept(uow, plan)
        last_number = max((i.number for i in _installments(uow, plan)), default=0)
        if plan.status != "Active":
            raise UserFacingError(f"Plan {plan.plan_number} is {plan.status.lower()}.")
        if paid >= sum(i.amount_minor for i in _installments(uow, plan)):
            raise UserFacingError(f"Plan {plan.plan_number} is paid in full: nothing to change.")
    else:
        consumer = find_consumer(uow, account_number or "")
        kept, paid, last_number = [], 0, 0
        warnings += _open_plans(uow, consumer)
    terms = PlanTerms(
        total_minor=parse_amount(request.total, currency, field="Plan total"),
        down_payment_minor=_optional_amount(request.down_payment, currency),
        installment_count=_count(request.installments),
        frequency=_frequency(request.frequency),
        first_due=_day(request.first_due),
        start=today,
    )
    if len(request.note or "") > NOTE_MAX:
        raise UserFacingError(f"The note can be at most {NOTE_MAX} characters.")
    check_terms(terms, today, kept, paid)
    return PlanPreview(
        consumer.account_number,
        consumer.name,
        plan_number if plan_number is None else _plan(uow, plan_number).plan_number,
        currency,
        terms,
        tuple(build_schedule(terms, kept, last_number)),
        tuple(warnings),
    )


def _open_plans(uow: UnitOfWork, consumer: Consumer) -> list[str]:
    owing: dict[str, int] = {}
    for row in uow.plans.due_installments(consumer.id):
        owing.setdefault(row.reference.rpartition("/")[0], 0)
        owing[row.reference.rpartition("/")[0]] += max(row.outstanding_minor, 0)
    active = {p.plan_number for p in uow.consumers.plans(consumer.id) if p.status == "Active"}
    return [
        f"{consumer.name} already has plan {number} open: consider modifying it instead."
        for number, left in sorted(owing.items())
        if left > 0 and number in active
    ]


def _kept(uow: UnitOfWork, plan: PaymentPlan) -> tuple[list[KeptInstallment], int]:
    rows = [
        r
        for r in uow.plans.due_installments(plan.consumer_id, [plan.plan_number.upper()])
        if r.reference.rpartition("/")[0] == plan.plan_number
    ]
    # Any payment or credit ever put on an installment keeps it, even one voided since: the
    # server keeps the allocation rows of a voided payment, and they must keep pointing at it.
    touched = uow.plans.touched([r.item_id for r in rows])
    kept = [
        KeptInstallment(int(r.reference.rpartition("/")[2]), r.amount_minor, r.due_date)
        for r in rows
        if r.item_id in touched or r.paid_minor or r.credited_minor
    ]
    return kept, sum(r.paid_minor + r.credited_minor for r in rows)


def _plan(uow: UnitOfWork, plan_number: str) -> PaymentPlan:
    number = plan_number.strip()
    if not number:
        raise UserFacingError("Enter the plan number.")
    plan = uow.plans.by_number(number)
    if plan is None:
        raise NotFound(f"No payment plan numbered '{number}'.")
    return plan


def _installments(uow: UnitOfWork, plan: PaymentPlan) -> list[Installment]:
    return uow.plans.installments(plan.id)


def _consumer_of(uow: UnitOfWork, plan: PaymentPlan) -> Consumer:
    consumer = uow.consumers.get(plan.consumer_id)
    assert consumer is not None  # a plan's consumer is a foreign key
    return consumer


def _optional_amount(text: str, currency: str) -> int:
    return parse_amount(text, currency, field="Down payment") if str(text).strip() else 0


def _count(value: int | str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise UserFacingError(f"Installments must be a whole number, not '{value}'.") from None


def _frequency(text: str) -> Frequency:
    for frequency in Frequency:
        if str(text).strip().casefold() == frequency.value.casefold():
            return frequency
    choices = ", ".join(f.value for f in Frequency)
    raise UserFacingError(f"Frequency must be one of {choices}, not '{text}'.")


def _day(value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise UserFacingError(
            f"The first due date must be a date like 2025-05-15, not '{value}'."
        ) from None


# -- writing ----------------------------------------------------------------------------------
def _set_terms(
    plan: PaymentPlan, terms: PlanTerms, note: str, actor: Actor, uow: UnitOfWork
) -> None:
    plan.total_minor = terms.total_minor
    plan.down_payment_minor = terms.down_payment_minor
    plan.installment_count = terms.installment_count
    plan.frequency = terms.frequency.value
    plan.note = (note or "").strip() or None
    plan.modified_by = actor.username
    plan.modified_at = uow.now()


def _write_installments(
    uow: UnitOfWork, plan: PaymentPlan, schedule: list[ScheduledInstallment] | tuple
) -> list[Installment]:
    rows = [
        Installment(
            id=new_id(),
            plan_id=plan.id,
            number=s.number,
            amount_minor=s.amount_minor,
            due_date=s.due_date,
        )
        for s in schedule
    ]
    uow.plans.add_installments(rows)
    return rows


def _snapshot(
    plan: PaymentPlan,
    consumer: Consumer,
    rows: list[Installment],
    uow: UnitOfWork,
    *,
    base_version: int | None,
) -> dict[str, Any]:
    """The plan as the server checks it and publishes it (the counter's row shape)."""
    return {
        "id": str(plan.id),
        "consumer_id": str(plan.consumer_id),
        "account_number": consumer.account_number,
        "plan_number": plan.plan_number,
        "provisional_number": is_provisional(plan.plan_number),
        "created_on": plan.created_on.isoformat(),
        "status": plan.status,
        "currency": uow.settings().currency,
        "total_minor": plan.total_minor or sum(r.amount_minor for r in rows),
        "down_payment_minor": plan.down_payment_minor or 0,
        "installment_count": plan.installment_count,
        "frequency": plan.frequency,
        "note": plan.note or "",
        "created_by": plan.created_by,
        "modified_by": plan.modified_by,
        "modified_at": plan.modified_at.isoformat() if plan.modified_at else None,
        "version": plan.version,
        "base_version": base_version,
        "installments": [
            {
                "id": str(r.id),
                "number": r.number,
                "amount_minor": r.amount_minor,
                "due_date": r.due_date.isoformat(),
            }
            for r in sorted(rows, key=lambda r: r.number)
        ],
    }


def _audit_view(payload: dict[str, Any]) -> dict[str, Any]:
    schedule = [
        f"{r['number']}: {r['amount_minor']} on {r['due_date']}" for r in payload["installments"]
    ]
    keys = ("plan_number", "total_minor", "down_payment_minor", "installment_count", "frequency")
    return {**{k: payload[k] for k in keys}, "version": payload["version"], "schedule": schedule}
