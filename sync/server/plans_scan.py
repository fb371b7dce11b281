"""The server's round over the payment plans it owns: where each stands (the counters' own
compliance rules), notices recorded once each (missed installment, half paid, completed,
broken, cancelled), a broken plan raising a disconnection review for a supervisor, and the missed
installments handed to the caller (the recovery intake opens one case for each, once)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Text, cast, func, select
from sqlalchemy.dialects.postgresql import insert

from app.domain.ids import new_id
from app.domain.plan_compliance import InstallmentFacts, PlanCompliance, PlanState, plan_compliance
from sync.server.feed import NewChange, publish
from sync.server.flags import raise_flag
from sync.server.tables import consumers, flags, installments, payment_allocations, payment_plans
from sync.server.tables import payments as payments_table
from sync.server.tables_counter_plans import plan_notices

REVIEW_FLAG = "disconnection_review"
_NOT_MONEY = ("Voided", "Failed", "Cancelled")  # payments whose allocations paid nothing


@dataclass(frozen=True)
class MissedInstallment:
    """An installment of a server plan missed beyond the grace days: a recovery case to open."""

    key: str  # PP-2026-0001/2: the case's key at intake, so it opens once
    plan_number: str
    account_number: str
    consumer: dict[str, Any]  # the consumer's row as counters hold it (contact, time zone)
    amount_minor: int  # what is still owed on it
    due_date: date
    currency: str


@dataclass
class ScanReport:
    missed: list[MissedInstallment] = field(default_factory=list)  # every missed one, each round
    notices: list[str] = field(default_factory=list)  # recorded in this round: "PP-.. half_paid"
    reviews: list[str] = field(default_factory=list)  # plan numbers given a review this round
    # (plan number, standing) of every plan, as this round found them: what follows plans
    # (recovery cases offered a plan) reads them here instead of scanning every plan again.
    states: list[tuple[str, PlanState]] = field(default_factory=list)


def scan_plans(engine: Engine, now: datetime, currency: str) -> ScanReport:
    """Safe to run any number of times: a notice or a review is recorded once."""
    report = ScanReport()
    with engine.begin() as conn:
        changes: list[NewChange] = []
        for plan, consumer, compliance in _standings(conn, now.date()):
            changes += _notice_and_review(conn, plan, consumer, compliance, now, report)
            report.states.append((plan.plan_number, compliance.state))
            for row in compliance.missed:
                report.missed.append(
                    MissedInstallment(
                        f"{plan.plan_number}/{row.number}",
                        plan.plan_number,
                        consumer["account_number"],
                        consumer,
                        row.outstanding_minor,
                        row.due_date,
                        currency,
                    )
                )
        publish(conn, changes, now)
    return report


def _standings(conn: Connection, today: date) -> list[tuple[Any, dict[str, Any], PlanCompliance]]:
    plans = conn.execute(
        select(payment_plans, consumers.c.data.label("consumer"))
        .join(consumers, consumers.c.id == payment_plans.c.consumer_id)
        .order_by(payment_plans.c.plan_number)
    ).all()
    rows: dict[uuid.UUID, list[Any]] = {}
    for row in conn.execute(select(installments).order_by(installments.c.number)):
        rows.setdefault(row.plan_id, []).append(row)
    paid = _paid(conn)
    result = []
    for plan in plans:
        facts, dated = [], []
        for row in rows.get(plan.id, []):
            amounts = paid.get(row.id, [])
            dated += amounts
            facts.append(_facts(row, amounts))
        compliance = plan_compliance(
            facts, today, cancelled=(plan.data or {}).get("status") == "Cancelled", payments=dated
        )
        result.append((plan, dict(plan.consumer), compliance))
    return result


def _paid(conn: Connection) -> dict[uuid.UUID, list[tuple[date, int]]]:
    day = func.coalesce(
        payments_table.c.data["payment_date"].astext, cast(payments_table.c.received_at, Text)
    )
    query = (
        select(payment_allocations.c.installment_id, day, payment_allocations.c.amount_minor)
        .join(payments_table, payments_table.c.id == payment_allocations.c.payment_id)
        .where(
            payment_allocations.c.installment_id.is_not(None),
            payments_table.c.status.not_in(_NOT_MONEY),
        )
    )
    found: dict[uuid.UUID, list[tuple[date, int]]] = {}
    for installment_id, when, amount in conn.execute(query):
        found.setdefault(installment_id, []).append((date.fromisoformat(str(when)[:10]), amount))
    return found


def _facts(row: Any, amounts: Sequence[tuple[date, int]]) -> InstallmentFacts:
    total, paid_on = 0, None
    for when, amount in sorted(amounts):
        total += amount
        if paid_on is None and total >= row.amount_minor:
            paid_on = when
    due = date.fromisoformat(str(row.data["due_date"])[:10])
    return InstallmentFacts(row.number, int(row.amount_minor), due, total, paid_on)


def _notice_and_review(
    conn: Connection,
    plan: Any,
    consumer: dict[str, Any],
    compliance: PlanCompliance,
    now: datetime,
    report: ScanReport,
) -> list[NewChange]:
    notices: list[tuple[str, str, dict[str, Any]]] = [
        ("missed", str(r.number), {"days_late": r.days_late, "owed_minor": r.outstanding_minor})
        for r in compliance.missed
    ]
    if compliance.state is PlanState.CANCELLED:
        # Handed to the recovery service, which closes the plan's missed-installment cases.
        reason = str((plan.data or {}).get("cancel_reason") or "")
        # What the consumer paid on it before: a case planned from recovery is credited so.
        notices.append(("cancelled", "", {"reason": reason, "paid_minor": compliance.paid_minor}))
    else:  # a cancelled plan's milestones are no news to send the consumer
        for milestone, when in compliance.milestones:
            kind = milestone.name.lower()  # half_paid, completed
            notices.append((kind, "", {"on": when.isoformat() if when else None,
                                       "paid_minor": compliance.paid_minor,
                                       "total_minor": compliance.total_minor}))  # fmt: skip
    if compliance.state is PlanState.BROKEN:
        notices.append(("broken", "", {"missed": len(compliance.missed)}))
    changes: list[NewChange] = []
    for kind, subject, detail in notices:
        if not _record_once(conn, plan, kind, subject, detail, now):
            continue
        report.notices.append(f"{plan.plan_number} {kind}{'/' + subject if subject else ''}")
        if kind == "broken":
            changes.append(_review(conn, plan, consumer, compliance, now))
            report.reviews.append(plan.plan_number)
    if compliance.state in (PlanState.ON_TRACK, PlanState.COMPLETED):
        changes += _annotate_compliant(conn, plan, compliance.state, now)
    return changes


def _record_once(
    conn: Connection, plan: Any, kind: str, subject: str, detail: dict[str, Any], now: datetime
) -> bool:
    inserted = conn.execute(
        insert(plan_notices)
        .values(
            id=new_id(),
            plan_id=plan.id,
            plan_number=plan.plan_number,
            kind=kind,
            subject=subject,
            detail=detail,
            occurred_at=now,
        )
        .on_conflict_do_nothing(constraint="uq_plan_notices_once")
        .returning(plan_notices.c.id)
    ).first()
    return inserted is not None


def _review(
    conn: Connection, plan: Any, consumer: dict[str, Any], compliance: PlanCompliance, now: datetime
) -> NewChange:
    missed = ", ".join(f"{r.number} ({r.days_late} days late)" for r in compliance.missed)
    detail = {
        "reason": f"Plan {plan.plan_number} of {consumer.get('name', '')} "
        f"({consumer['account_number']}) is broken: installments {missed} missed. "
        "Review disconnection.",
        "plan_number": plan.plan_number,
        "account_number": consumer["account_number"],
        "entity": "payment_plan",
        "entity_id": str(plan.id),
    }
    return raise_flag(conn, REVIEW_FLAG, f"payment_plan:{plan.id}", detail, now)


def _annotate_compliant(
    conn: Connection, plan: Any, state: PlanState, now: datetime
) -> list[NewChange]:
    """A plan back on track (or paid off) while its review is still open: the review says so
    (once), so nobody disconnects a consumer who caught up."""
    row = conn.execute(
        select(flags.c.detail).where(
            flags.c.kind == REVIEW_FLAG,
            flags.c.subject == f"payment_plan:{plan.id}",
            flags.c.resolved_at.is_(None),
        )
    ).first()
    if row is None or row.detail.get("compliant_since"):
        return []
    detail = {
        **row.detail,
        "compliant_since": now.date().isoformat(),
        "reason": f"Plan {plan.plan_number} is "
        f"{'paid off' if state is PlanState.COMPLETED else 'compliant again'}: do not disconnect "
        f"(was: {row.detail.get('reason', '')})",
    }
    return [raise_flag(conn, REVIEW_FLAG, f"payment_plan:{plan.id}", detail, now)]
