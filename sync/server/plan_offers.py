"""A plan a consumer accepted on a recovery case, made on the central server in the counter's
model: a PP- plan with its installments (the same terms checks and record checks as a plan made
at a counter), the acceptance kept beside it, and both published to every counter on the feed.

The plan's id is the offer's id, so making it twice (a retry after the recovery database could
not be updated) finds the plan already there and returns its number.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects.postgresql import insert

from app.domain.counter_plans import (
    PLAN_MANAGERS,
    ScheduledInstallment,
    build_schedule,
    check_plan_record,
)
from app.domain.errors import UserFacingError
from app.domain.ids import new_id
from app.domain.plan_offers import (
    LINK_RECORDER,
    Acceptance,
    AcceptedOffer,
    check_acceptance,
    offer_terms,
)
from app.domain.record_rules import RecordInvalid
from sync.server.events import record_event
from sync.server.feed import NewChange, publish
from sync.server.incoming import server_settings
from sync.server.plans_ingest import PLAN_COLUMNS, next_plan_number
from sync.server.tables import consumers, installments, payment_plans, users
from sync.server.tables_plan_offers import plan_acceptances


@dataclass(frozen=True)
class MadePlan:
    plan_number: str
    schedule: tuple[ScheduledInstallment, ...]  # empty when the plan was already made


def make_accepted_plan(engine: Engine, offer: AcceptedOffer, now: datetime) -> MadePlan:
    """The PP- plan for an accepted offer; UserFacingError (nothing written) when it cannot be."""
    plan_id = uuid.UUID(offer.plan_id)
    with engine.begin() as conn:
        made = conn.scalar(select(payment_plans.c.plan_number).where(payment_plans.c.id == plan_id))
        if made is not None:
            return MadePlan(made, ())
        terms = offer_terms(offer.total_minor, offer.down_payment_minor,
                            offer.installment_count, offer.frequency, offer.first_due,
                            now.date())  # fmt: skip
        schedule = tuple(build_schedule(terms))
        check_acceptance(Acceptance(offer.accepted_by, offer.channel, offer.evidence))
        # A yes on the payment link page is recorded by no user: the executive who offered
        # those terms answers for the plan there.
        link = (offer.channel, offer.recorded_by) == ("link", LINK_RECORDER)
        _require_plan_manager(conn, offer.offered_by if link else offer.recorded_by)
        consumer_id = _consumer_id(conn, offer.account_number)
        currency = server_settings(conn).currency
        if offer.currency != currency:
            raise UserFacingError(
                f"The case is in {offer.currency}; the counters' plans are in {currency}."
            )
        number = next_plan_number(conn, now.year)
        payload = _payload(offer, plan_id, consumer_id, number, schedule, now)
        try:
            check_plan_record(payload, now.date())
        except RecordInvalid as problem:
            raise UserFacingError(f"The plan cannot be made: {problem}") from None
        data = {name: payload.get(name) for name in PLAN_COLUMNS}
        conn.execute(insert(payment_plans).values(
            id=plan_id, consumer_id=consumer_id, plan_number=number, data=data))  # fmt: skip
        changes = [NewChange("payment_plan", str(plan_id), data)]
        changes += _installments(conn, plan_id, payload["installments"])
        conn.execute(insert(plan_acceptances).values(
            plan_id=plan_id, case_id=offer.case_id, accepted_by=offer.accepted_by,
            channel=offer.channel, evidence=offer.evidence, recorded_by=offer.recorded_by,
            accepted_at=now, offered_by=offer.offered_by, offered_at=offer.offered_at,
        ))  # fmt: skip
        record_event(
            conn, actor=offer.recorded_by, action="plan.accepted", at=now, plan_number=number,
            case_id=offer.case_id, channel=offer.channel, accepted_by=offer.accepted_by,
        )  # fmt: skip
        publish(conn, changes, now)
        return MadePlan(number, schedule)


def _require_plan_manager(conn: Connection, username: str) -> None:
    data = conn.scalar(select(users.c.data).where(users.c.username == username))
    if data is None or not data.get("active", False):
        raise UserFacingError(f"{username!r} is not an active user of the central server.")
    if str(data.get("role")) not in {r.value for r in PLAN_MANAGERS}:
        raise UserFacingError(f"{username!r} may not make payment plans (role).")


def _consumer_id(conn: Connection, account_number: str) -> uuid.UUID:
    found = conn.scalar(
        select(consumers.c.id).where(consumers.c.data["account_number"].astext == account_number)
    )
    if found is None:
        raise UserFacingError(
            f"Account {account_number} is not a consumer of the central server: a plan is "
            "made for an account the counters know."
        )
    return found


def _payload(
    offer: AcceptedOffer,
    plan_id: uuid.UUID,
    consumer_id: uuid.UUID,
    number: str,
    schedule: tuple[ScheduledInstallment, ...],
    now: datetime,
) -> dict[str, Any]:
    """The plan as a counter holds it (the feed's shape), checked like a pushed one."""
    return {
        "id": str(plan_id), "consumer_id": str(consumer_id), "plan_number": number,
        "created_on": now.date().isoformat(), "status": "Active",
        "total_minor": offer.total_minor, "down_payment_minor": offer.down_payment_minor,
        "installment_count": offer.installment_count, "frequency": offer.frequency,
        "note": f"Recovery case {offer.case_id}: accepted by {offer.accepted_by} "
                f"({offer.channel})"[:500],
        "created_by": offer.recorded_by, "modified_by": offer.recorded_by,
        "modified_at": now.isoformat(), "version": 1,
        "installments": [
            {"id": str(new_id()), "number": s.number, "amount_minor": s.amount_minor,
             "due_date": s.due_date.isoformat()}
            for s in schedule
        ],
    }  # fmt: skip


def _installments(
    conn: Connection, plan_id: uuid.UUID, rows: list[dict[str, Any]]
) -> list[NewChange]:
    changes = []
    for row in rows:
        data = {**row, "plan_id": str(plan_id)}
        conn.execute(insert(installments).values(
            id=uuid.UUID(row["id"]), plan_id=plan_id, number=row["number"],
            amount_minor=row["amount_minor"], data=data,
        ))  # fmt: skip
        changes.append(NewChange("installment", row["id"], data))
    return changes
