"""What becomes of a plan accepted on a recovery case, followed on the server's plan round: each
case its missed installments open (intake source "counter_plan", keyed PP-2026-0042/2) is linked
to the case that was planned, with a line on both timelines; a plan paid off settles that case;
a plan cancelled gives the case back to the engine for what its installments did not pay."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine, select, update

from app.db.recovery_claims import recovered
from app.db.recovery_tables import recovery_cases, recovery_events
from app.db.recovery_tables_plan_offers import recovery_plan_case_links, recovery_plan_offers
from app.domain.plan_compliance import PlanState

PLAN_SOURCE = "counter_plan"  # app/services/counter_plans_intake.py's intake source
offers, links, cases = recovery_plan_offers, recovery_plan_case_links, recovery_cases


def link_plan_cases(engine: Engine, now: datetime) -> list[str]:
    """Link every not yet linked missed-installment case of an accepted offer's plan; returns
    the cases linked. Safe to run any number of times."""
    linked = []
    with engine.begin() as connection:
        planned: dict[str, str] = {
            str(number): str(offer_id)
            for number, offer_id in connection.execute(
                select(offers.c.plan_number, offers.c.id).where(offers.c.plan_number.is_not(None))
            )
        }
        fresh = connection.execute(
            select(cases.c.id, cases.c.external_id, cases.c.amount_minor).where(
                cases.c.source == PLAN_SOURCE, cases.c.id.not_in(select(links.c.case_id))
            )
        ).all()
        for case in fresh:
            number, _, installment = str(case.external_id).rpartition("/")
            offer_id = planned.get(number)
            if offer_id is None:
                continue  # a plan made at a counter, not offered on a case
            origin = connection.scalar(select(offers.c.case_id).where(offers.c.id == offer_id))
            connection.execute(links.insert().values(
                case_id=case.id, offer_id=offer_id, origin_case_id=origin, linked_at=now,
            ))  # fmt: skip
            connection.execute(recovery_events.insert(), [
                {"case_id": origin, "at": now, "type": "plan_installment_missed",
                 "amount_minor": case.amount_minor,
                 "detail": {"reason": f"installment {installment} of {number} missed: "
                                      f"case {case.id} chases it", "case": case.id}},
                {"case_id": case.id, "at": now, "type": "plan_origin", "amount_minor": 0,
                 "detail": {"reason": f"from plan {number} accepted on case {origin}",
                            "case": origin}},
            ])  # fmt: skip
            linked.append(case.id)
    return linked


def settle_paid_plans(
    engine: Engine, standings: Sequence[tuple[str, PlanState]], now: datetime
) -> list[str]:
    """A plan offered on a case and paid off at the counters: the case is paid. Returns the
    cases settled."""
    completed = [number for number, state in standings if state is PlanState.COMPLETED]
    if not completed:
        return []
    settled = []
    with engine.begin() as connection:
        rows = connection.execute(
            select(offers.c.case_id, offers.c.plan_number, offers.c.total_minor)
            .join(cases, cases.c.id == offers.c.case_id)
            .where(offers.c.plan_number.in_(completed), cases.c.status == "plan")
        ).all()
        for row in rows:
            connection.execute(update(cases).where(cases.c.id == row.case_id).values(
                status="paid", status_reason=f"paid through plan {row.plan_number}"))  # fmt: skip
            connection.execute(recovery_events.insert().values(
                case_id=row.case_id, at=now, type="plan_completed", amount_minor=row.total_minor,
                detail={"reason": f"{row.plan_number} paid in full at the counters"}))  # fmt: skip
            settled.append(row.case_id)
    return settled


def reopen_cancelled_plan_case(
    engine: Engine, plan_number: str, paid_minor: int, reason: str, now: datetime
) -> str | None:
    """A plan offered on a case was cancelled: the case is credited what was paid on the plan
    (at most what it owed) and the engine chases the rest at once; a case the installments
    paid in full is paid. Returns the case reopened or settled; None when there is none (a
    counter's own plan, or handled before: only a case still 'plan' moves, so it runs once)."""
    words = f"plan {plan_number} cancelled" + (f": {reason}" if reason else "")
    with engine.begin() as connection:
        row = connection.execute(
            select(cases.c.id, cases.c.amount_minor)
            .join(offers, offers.c.case_id == cases.c.id)
            .where(offers.c.plan_number == plan_number, cases.c.status == "plan")
            .with_for_update()
        ).first()
        if row is None:
            return None
        owed = int(row.amount_minor) - recovered(connection, row.id)
        credit = max(0, min(int(paid_minor), owed))
        events = [{"case_id": row.id, "at": now, "type": "plan_cancelled", "amount_minor": 0,
                   "detail": {"reason": words, "plan_number": plan_number}}]  # fmt: skip
        if credit:
            events.append({"case_id": row.id, "at": now, "type": "plan_paid",
                           "amount_minor": credit,
                           "detail": {"reason": f"paid on {plan_number} before it was cancelled",
                                      "plan_number": plan_number}})  # fmt: skip
        connection.execute(recovery_events.insert(), events)
        left = owed - credit
        values = (
            {"status": "paid", "next_at": None,
             "status_reason": f"paid through {plan_number} before it was cancelled"}
            if left <= 0
            else {"status": "open", "next_at": now,
                  "status_reason": f"{words}; the engine chases what is left"}
        )  # fmt: skip
        connection.execute(
            update(cases)
            .where(cases.c.id == row.id)
            .values(recovered_minor=recovered(connection, row.id), **values)
        )
        return str(row.id)
