"""Recovery's own RP- payment plans: acceptance, installment payments of the ones offered before
new offers moved to the counter's PP- model (app/services/recovery_plan_offers.py). No entry
point makes a new RP- offer any more; `offer_plan` stays for the tests that set up such rows.

An accepted plan settles its case (status 'plan': the engine no longer claims or charges it);
the installments are then owed instead. Missed installments come back as cases
(app/services/recovery_plan_scan.py).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.exc import IntegrityError

from app.db.recovery_tables import recovery_cases, recovery_events
from app.db.recovery_tables_plan_offers import recovery_plan_offers as offers
from app.db.recovery_tables_plans import (
    recovery_plan_installments,
    recovery_plan_payments,
    recovery_plans,
)
from app.domain.errors import UserFacingError
from app.domain.ids import new_id
from app.recovery.plans import (
    PlanRefused,
    PlanRules,
    due_date,
    installment_status,
    parse_frequency,
    plan_number,
    schedule,
)

PLAN_PREFIX = "RP"  # the counter's series is PP, numbered by the server: ours never collide
OFFERABLE = ("open", "paused")  # a case paid, stopped, disputed or at a counter is not planned
LIVE = ("offered", "accepted")
CHANNELS = ("link", "phone", "counter")
DEFAULT_RULES = PlanRules()
NUMBER_ROUNDS = 20

plans, installments, payments = recovery_plans, recovery_plan_installments, recovery_plan_payments


@dataclass(frozen=True)
class InstallmentView:
    number: int
    amount_minor: int
    due_date: date
    paid_minor: int
    status: str  # due, paid, partly, overdue, missed
    down_payment: bool
    missed_case_id: str | None


@dataclass(frozen=True)
class PlanView:
    plan_number: str
    plan_id: str
    case_id: str
    consumer_id: str
    status: str
    total_minor: int
    currency: str
    down_payment_minor: int
    frequency: str
    installment_count: int
    offered_by: str
    offered_at: datetime
    accepted_at: datetime | None
    accepted_channel: str | None
    accepted_by: str | None
    acceptance_text: str | None
    installments: tuple[InstallmentView, ...]

    @property
    def paid_minor(self) -> int:
        return sum(i.paid_minor for i in self.installments)


def offer_plan(
    engine: Engine,
    case_id: str,
    *,
    installment_count: int,
    frequency: str,
    user: str,
    now: datetime,
    down_payment_minor: int = 0,
    first_due: date | None = None,
    rules: PlanRules = DEFAULT_RULES,
) -> PlanView:
    """Offer what the case still owes as a plan; nothing is written when a term is refused."""
    if not user.strip():
        raise UserFacingError("Say who offers the plan (--user).")
    today = now.date()
    try:
        period = parse_frequency(frequency)
    except PlanRefused as error:
        raise UserFacingError(str(error)) from None
    first = first_due or due_date(today, period, 1)
    if first < today:
        raise UserFacingError(f"The first due date {first} is in the past.")
    # Offers at once may pick the same number: the loser takes the next one, so n offers at
    # the same moment settle in at most n rounds.
    for attempt in range(NUMBER_ROUNDS):
        try:
            with engine.begin() as connection:
                case = _case(connection, case_id)
                owed = case["amount_minor"] - case["recovered_minor"]
                if case["status"] not in OFFERABLE:
                    raise UserFacingError(
                        f"Case {case_id} is {case['status']}: no plan is offered."
                    )
                live = _live_plan(connection, case_id)
                if live is not None:
                    raise UserFacingError(f"Case {case_id} already has plan {live} under way.")
                try:
                    rows = schedule(
                        owed, installment_count, period, first, down_payment_minor, rules
                    )
                except PlanRefused as error:
                    raise UserFacingError(str(error)) from None
                number = _next_number(connection, today.year)
                plan_id = str(new_id())
                connection.execute(
                    plans.insert().values(
                        id=plan_id, plan_number=number, consumer_id=case["consumer_id"],
                        case_id=case_id, total_minor=owed, currency=case["currency"],
                        down_payment_minor=down_payment_minor, frequency=period.value,
                        installment_count=installment_count, status="offered",
                        base_recovered_minor=case["recovered_minor"], offered_by=user.strip(),
                        offered_at=now,
                    )
                )  # fmt: skip
                connection.execute(
                    installments.insert(),
                    [
                        {"plan_id": plan_id, "number": r.number, "amount_minor": r.amount_minor,
                         "due_date": r.due_date, "paid_minor": 0, "status": "due"}
                        for r in rows
                    ],
                )  # fmt: skip
                case_event(connection, case_id, now, "plan_offered", owed, number, user)
                return _view(connection, number)
        except IntegrityError:
            if attempt == NUMBER_ROUNDS - 1:
                raise
    raise AssertionError("unreachable")


def accept_plan(
    engine: Engine, number: str, *, channel: str, evidence: str, user: str, now: datetime
) -> PlanView:
    """Record the consumer's yes with its evidence; the case stops being chased."""
    if channel not in CHANNELS:
        raise UserFacingError(f"Unknown channel {channel!r}: choose one of {', '.join(CHANNELS)}.")
    if not evidence.strip():
        raise UserFacingError("Record how the consumer accepted (--evidence).")
    if not user.strip():
        raise UserFacingError("Say who records the acceptance (--user).")
    with engine.begin() as connection:
        plan = _plan(connection, number, lock=True)
        if plan["status"] != "offered":
            raise UserFacingError(f"Plan {number} is {plan['status']}: it cannot be accepted.")
        case = _case(connection, plan["case_id"], lock=True)
        owed = case["amount_minor"] - case["recovered_minor"]
        if case["status"] not in OFFERABLE or owed != plan["total_minor"]:
            raise UserFacingError(
                f"Case {case['id']} is {case['status']} and owes {owed} now, not the "
                f"{plan['total_minor']} of plan {number}: offer a new plan."
            )
        connection.execute(
            update(plans).where(plans.c.id == plan["id"]).values(
                status="accepted", accepted_at=now, accepted_channel=channel,
                accepted_by=user.strip(), acceptance_text=evidence.strip(),
            )
        )  # fmt: skip
        # Clearing the lease: a worker mid-visit cannot write its stale view back, and
        # start_attempt refuses a case that is not 'open', so no charge follows the yes.
        connection.execute(
            update(recovery_cases).where(recovery_cases.c.id == case["id"]).values(
                status="plan", next_at=None, claimed_by=None, claimed_until=None,
                status_reason=f"payment plan {number} accepted by {channel}",
            )
        )  # fmt: skip
        case_event(connection, case["id"], now, "plan_accepted", owed, number, user, channel)
        return _view(connection, number)


def decline_plan(engine: Engine, number: str, *, reason: str, user: str, now: datetime) -> PlanView:
    """The consumer said no: the offer closes and the case goes on being chased as before."""
    if not reason.strip():
        raise UserFacingError("Say why the plan was declined (--reason).")
    with engine.begin() as connection:
        plan = _plan(connection, number, lock=True)
        if plan["status"] != "offered":
            raise UserFacingError(f"Plan {number} is {plan['status']}: it cannot be declined.")
        close_plan(connection, plan, "declined", reason.strip(), now)
        case_event(connection, plan["case_id"], now, "plan_declined", 0, number, user)
        return _view(connection, number)


def pay_installment(
    engine: Engine, number: str, installment: int, amount_minor: int, *, user: str, now: datetime
) -> PlanView:
    """A payment toward one installment (at a counter, by transfer): never more than it owes."""
    if amount_minor <= 0:
        raise UserFacingError("The amount must be more than zero.")
    with engine.begin() as connection:
        plan = _plan(connection, number, lock=True)
        if plan["status"] != "accepted":
            raise UserFacingError(f"Plan {number} is {plan['status']}: no payment is applied.")
        row = connection.execute(
            select(installments).where(
                installments.c.plan_id == plan["id"], installments.c.number == installment
            )
        ).first()
        if row is None:
            raise UserFacingError(f"Plan {number} has no installment {installment}.")
        outstanding = row.amount_minor - row.paid_minor
        if amount_minor > outstanding:
            raise UserFacingError(
                f"Installment {installment} of plan {number} owes {outstanding}: "
                f"{amount_minor} is more than that."
            )
        reference = f"cli:{new_id()}"
        apply_payment(connection, plan, installment, amount_minor, "cli", reference, user, now)
        finish_if_paid(connection, plan, now)
        return _view(connection, number)


def show_plan(engine: Engine, number: str) -> PlanView:
    with engine.connect() as connection:
        return _view(connection, number)


def list_plans(engine: Engine, case_id: str | None = None) -> list[PlanView]:
    query = select(plans.c.plan_number).order_by(plans.c.offered_at, plans.c.plan_number)
    if case_id is not None:
        query = query.where(plans.c.case_id == case_id)
    with engine.connect() as connection:
        return [_view(connection, n) for n in connection.execute(query).scalars()]


def plan_requests(engine: Engine) -> list[dict[str, Any]]:
    """Cases whose consumer asked for a plan on the payment link page and have none yet."""
    e, c = recovery_events.c, recovery_cases.c
    asked = (
        select(e.case_id, func.min(e.at).label("asked_at"))
        .where(e.type == "plan_requested")
        .group_by(e.case_id)
        .subquery()
    )
    has_plan = (
        select(plans.c.case_id)
        .where(plans.c.status.in_((*LIVE, "completed")))
        .union(select(offers.c.case_id).where(offers.c.status.in_(("offered", "accepted"))))
    )  # an RP- plan from before, or an offer in the counter's model
    query = (
        select(c.id, c.consumer_id, c.amount_minor, c.recovered_minor, c.currency, c.status)
        .add_columns(asked.c.asked_at)
        .join(asked, asked.c.case_id == c.id)
        .where(c.status.in_(OFFERABLE), c.id.not_in(has_plan))
        .order_by(asked.c.asked_at)
    )
    with engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(query)]


# -- shared with the scan ---------------------------------------------------------------------
def apply_payment(
    connection: Connection,
    plan: dict[str, Any],
    number: int,
    amount_minor: int,
    source: str,
    reference: str,
    user: str,
    now: datetime,
) -> None:
    """Book a payment on one installment and move the installment's status."""
    connection.execute(
        payments.insert().values(
            plan_id=plan["id"], number=number, amount_minor=amount_minor, at=now, source=source,
            reference=reference, recorded_by=user,
        )
    )  # fmt: skip
    row = connection.execute(
        select(installments).where(
            installments.c.plan_id == plan["id"], installments.c.number == number
        )
    ).one()
    paid = row.paid_minor + amount_minor
    status = installment_status(row.amount_minor, paid, row.due_date, now.date())
    if row.status == "missed" and status != "paid":
        status = "missed"  # its case is still chasing the rest
    connection.execute(
        update(installments)
        .where(installments.c.plan_id == plan["id"], installments.c.number == number)
        .values(paid_minor=paid, status=status)
    )
    if status == "paid" and row.missed_case_id and source != "case":
        # Paid outside its case (a counter): the case must not charge it again.
        chased = recovery_cases.c.id == row.missed_case_id, recovery_cases.c.status.in_(OFFERABLE)
        connection.execute(
            update(recovery_cases)
            .where(*chased)
            .values(status="paid", next_at=None, claimed_by=None, claimed_until=None,
                    status_reason=f"installment paid on plan {plan['plan_number']}")
        )  # fmt: skip


def finish_if_paid(connection: Connection, plan: dict[str, Any], now: datetime) -> bool:
    """Every installment paid: the plan is completed and the case it settled is paid."""
    owing = connection.execute(
        select(func.count()).where(
            installments.c.plan_id == plan["id"], installments.c.status != "paid"
        )
    ).scalar_one()
    if owing:
        return False
    close_plan(connection, plan, "completed", "every installment paid", now)
    connection.execute(
        update(recovery_cases)
        .where(recovery_cases.c.id == plan["case_id"], recovery_cases.c.status == "plan")
        .values(status="paid", status_reason=f"paid through plan {plan['plan_number']}")
    )
    case_event(connection, plan["case_id"], now, "plan_completed", plan["total_minor"],
               plan["plan_number"], "recovery")  # fmt: skip
    return True


def close_plan(
    connection: Connection, plan: dict[str, Any], status: str, reason: str, now: datetime
) -> None:
    connection.execute(
        update(plans)
        .where(plans.c.id == plan["id"])
        .values(status=status, status_reason=reason, closed_at=now)
    )


def case_event(
    connection: Connection,
    case_id: str,
    at: datetime,
    kind: str,
    amount_minor: int,
    number: str,
    user: str,
    channel: str | None = None,
) -> None:
    """On the case's timeline, so the executive sees the plan beside the attempts."""
    connection.execute(
        recovery_events.insert().values(
            case_id=case_id, at=at, type=kind, channel=channel, amount_minor=amount_minor,
            detail={"plan": number, "by": user.strip(),
                    "reason": f"{number} ({'by ' + channel + ', ' if channel else ''}"
                              f"recorded by {user.strip()})"},
        )
    )  # fmt: skip


def _next_number(connection: Connection, year: int) -> str:
    like = f"{PLAN_PREFIX}-{year}-%"
    taken = connection.execute(
        select(func.count()).where(plans.c.plan_number.like(like))
    ).scalar_one()
    return plan_number(PLAN_PREFIX, year, int(taken) + 1)


def _live_plan(connection: Connection, case_id: str) -> str | None:
    query = select(plans.c.plan_number).where(plans.c.case_id == case_id, plans.c.status.in_(LIVE))
    return connection.execute(query).scalars().first()


def _case(connection: Connection, case_id: str, lock: bool = False) -> dict[str, Any]:
    query = select(recovery_cases).where(recovery_cases.c.id == case_id)
    row = connection.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise UserFacingError(f"There is no recovery case {case_id}.")
    return dict(row._mapping)


def _plan(connection: Connection, number: str, lock: bool = False) -> dict[str, Any]:
    query = select(plans).where(plans.c.plan_number == number.strip().upper())
    row = connection.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise UserFacingError(f"There is no payment plan {number}.")
    return dict(row._mapping)


def _view(connection: Connection, number: str) -> PlanView:
    plan = _plan(connection, number)
    rows = connection.execute(
        select(installments)
        .where(installments.c.plan_id == plan["id"])
        .order_by(installments.c.number)
    )
    down = plan["down_payment_minor"] > 0
    return PlanView(
        plan_number=plan["plan_number"], plan_id=plan["id"], case_id=plan["case_id"],
        consumer_id=plan["consumer_id"], status=plan["status"], total_minor=plan["total_minor"],
        currency=plan["currency"], down_payment_minor=plan["down_payment_minor"],
        frequency=plan["frequency"], installment_count=plan["installment_count"],
        offered_by=plan["offered_by"], offered_at=plan["offered_at"],
        accepted_at=plan["accepted_at"], accepted_channel=plan["accepted_channel"],
        accepted_by=plan["accepted_by"], acceptance_text=plan["acceptance_text"],
        installments=tuple(
            InstallmentView(r.number, r.amount_minor, r.due_date, r.paid_minor, r.status,
                            down and r.number == 1, r.missed_case_id)
            for r in rows
        ),
    )  # fmt: skip
