"""Payment plans offered from a recovery case, in the counter's model.

An offer records the terms on the case ("awaiting the consumer's acceptance"); it is not a plan
and the case goes on as before. When the consumer accepts - at the counter, by phone or by the
payment link - the acceptance is recorded and the central server makes the PP- plan (a
`make_plan` callable the caller wires: the server's database, or its API), which reaches every
counter through the plan sync and is paid there. The case is then "on a plan" (status 'plan':
the engine no longer charges or reminds it). Missed installments come back as cases through the
server's plan round (intake source "counter_plan"); `link_plan_cases` ties them to this case.

An offer not accepted by its first due date expires (the plan would start overdue): accepting
it is refused, the recovery service's round closes it (`expire_lapsed_offers`), and so does a
new offer on the case, in its own transaction.

Recovery's own RP- plans (app/services/recovery_plans.py) take no new offers: the ones made
before keep running to their end.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from app.db.recovery_tables import recovery_cases, recovery_events
from app.db.recovery_tables_plan_offers import recovery_plan_case_links, recovery_plan_offers
from app.domain.counter_plans import Frequency, PlanTerms, ScheduledInstallment, build_schedule
from app.domain.errors import UserFacingError
from app.domain.ids import new_id
from app.domain.money import decimal_text, parse_amount
from app.domain.plan_offers import (
    CHANNEL_TEXT,
    Acceptance,
    AcceptedOffer,
    check_acceptance,
    has_lapsed,
    lapse_reason,
    offer_terms,
    parse_count,
    parse_first_due,
    parse_frequency,
    refuse_lapsed,
)

OFFERABLE = ("open", "paused")  # a case paid, stopped, disputed, at a counter or on a plan: no
OFFERED, ACCEPTED, DECLINED, EXPIRED = "offered", "accepted", "declined", "expired"
EXPIRED_EVENT = "plan_offer_expired"  # on the case's timeline
offers, links = recovery_plan_offers, recovery_plan_case_links

MakePlan = Callable[[AcceptedOffer, datetime], str]  # -> the PP- number the server gave it


@dataclass(frozen=True)
class OfferRequest:
    """The terms as typed: amounts as text, as a person enters them."""

    installments: int | str
    frequency: str
    down_payment: str = ""
    first_due: date | str | None = None


@dataclass(frozen=True)
class OfferView:
    offer_id: str
    case_id: str
    consumer_id: str
    status: str  # offered (awaiting acceptance), accepted, declined, expired
    total_minor: int
    currency: str
    down_payment_minor: int
    installment_count: int
    frequency: str
    first_due: date
    offered_by: str
    offered_at: datetime
    accepted_at: datetime | None
    accepted_by: str | None
    accepted_channel: str | None
    acceptance_text: str | None
    recorded_by: str | None
    plan_number: str | None  # the PP- plan, once accepted
    closed_reason: str | None = None  # why it was declined or expired

    @property
    def is_plan(self) -> bool:
        """Only an accepted offer is a plan: before that nothing is owed in installments."""
        return self.status == ACCEPTED and self.plan_number is not None


def offer_plan(
    engine: Engine, case_id: str, request: OfferRequest, *, user: str, now: datetime
) -> OfferView:
    """Offer what the case owes as a plan; nothing is written when a term is refused."""
    if not user.strip():
        raise UserFacingError("Say who offers the plan.")
    with engine.begin() as connection:
        case = _case(connection, case_id, lock=True)
        _require_offerable(connection, case, now)
        owed = case["amount_minor"] - case["recovered_minor"]
        terms = _terms(request, owed, case["currency"], now.date())
        offer_id = str(new_id())
        connection.execute(offers.insert().values(
            id=offer_id, case_id=case["id"], consumer_id=case["consumer_id"], total_minor=owed,
            currency=case["currency"], down_payment_minor=terms.down_payment_minor,
            installment_count=terms.installment_count, frequency=terms.frequency.value,
            first_due=terms.first_due, status=OFFERED, offered_by=user.strip(), offered_at=now,
        ))  # fmt: skip
        view = _view(connection, offer_id)
        _event(connection, case["id"], now, "plan_offered", owed,
               f"{describe(view)}, offered by {user.strip()}: awaiting the consumer's "
               "acceptance")  # fmt: skip
        return view


def accept_offer(
    engine: Engine,
    case_id: str,
    acceptance: Acceptance,
    *,
    user: str,
    now: datetime,
    make_plan: MakePlan,
) -> OfferView:
    """Record the consumer's yes to the case's open offer; the server makes the PP- plan and
    the case is on a plan. Refused (nothing written) when the case changed since the offer."""
    said = check_acceptance(acceptance)
    if not user.strip():
        raise UserFacingError("Say who records the acceptance.")
    with engine.begin() as connection:
        case = _case(connection, case_id, lock=True)
        offer = _open_offer(connection, case["id"], lock=True)
        if has_lapsed(offer["first_due"], now.date()):
            raise refuse_lapsed(case["id"], offer["first_due"])
        owed = case["amount_minor"] - case["recovered_minor"]
        if case["status"] not in OFFERABLE or owed != offer["total_minor"]:
            raise UserFacingError(
                f"Case {case['id']} is {case['status']} and owes "
                f"{_money(owed, case['currency'])} now, not the "
                f"{_money(offer['total_minor'], case['currency'])} offered: decline the "
                "offer and offer a new plan."
            )
        accepted = AcceptedOffer(
            plan_id=offer["id"], case_id=case["id"], account_number=case["consumer_id"],
            currency=offer["currency"], total_minor=offer["total_minor"],
            down_payment_minor=offer["down_payment_minor"],
            installment_count=offer["installment_count"], frequency=offer["frequency"],
            first_due=offer["first_due"], offered_by=offer["offered_by"],
            offered_at=offer["offered_at"], accepted_by=said.accepted_by, channel=said.channel,
            evidence=said.evidence, recorded_by=user.strip(),
        )  # fmt: skip
        # The server commits first; were this transaction to fail after it, accepting again
        # finds the plan made (same id) and only records what is missing here.
        number = make_plan(accepted, now)
        connection.execute(update(offers).where(offers.c.id == offer["id"]).values(
            status=ACCEPTED, accepted_at=now, accepted_by=said.accepted_by,
            accepted_channel=said.channel, acceptance_text=said.evidence,
            recorded_by=user.strip(), plan_number=number,
        ))  # fmt: skip
        how = CHANNEL_TEXT[said.channel]
        # Clearing the lease: a worker mid-visit cannot write its stale view back, and
        # start_attempt refuses a case that is not 'open', so no charge follows the yes.
        connection.execute(update(recovery_cases).where(recovery_cases.c.id == case["id"]).values(
            status="plan", next_at=None, claimed_by=None, claimed_until=None,
            status_reason=f"payment plan {number} accepted by {said.accepted_by} {how}",
        ))  # fmt: skip
        _event(connection, case["id"], now, "plan_accepted", owed,
               f"{number} accepted by {said.accepted_by} {how} ({said.evidence}), recorded by "
               f"{user.strip()}", channel=said.channel)  # fmt: skip
        return _view(connection, offer["id"])


def offer_and_accept(
    engine: Engine,
    case_id: str,
    request: OfferRequest,
    acceptance: Acceptance,
    *,
    user: str,
    now: datetime,
    make_plan: MakePlan,
) -> OfferView:
    """The consumer agrees on the spot (at the counter, on the phone): offer and acceptance
    in one go. The acceptance is checked first, so a missing answer writes no offer."""
    check_acceptance(acceptance)
    offer_plan(engine, case_id, request, user=user, now=now)
    return accept_offer(engine, case_id, acceptance, user=user, now=now, make_plan=make_plan)


def decline_offer(
    engine: Engine, case_id: str, reason: str, *, user: str, now: datetime
) -> OfferView:
    """The consumer said no (or the offer is withdrawn): it closes, the case goes on as before."""
    if not reason.strip():
        raise UserFacingError("Say why the offer is declined.")
    with engine.begin() as connection:
        offer = _open_offer(connection, case_id, lock=True)
        connection.execute(update(offers).where(offers.c.id == offer["id"]).values(
            status=DECLINED, closed_reason=reason.strip(), recorded_by=user.strip(),
        ))  # fmt: skip
        _event(connection, offer["case_id"], now, "plan_declined", 0,
               f"{reason.strip()} (recorded by {user.strip()})")  # fmt: skip
        return _view(connection, offer["id"])


def case_offers(engine: Engine, case_id: str, today: date | None = None) -> list[OfferView]:
    """The case's offers, oldest first: the open one (if any) is the last. Given `today`, an
    open offer past its first due date shows as expired before the round has closed it."""
    query = select(offers.c.id).where(offers.c.case_id == case_id).order_by(offers.c.offered_at)
    with engine.connect() as connection:
        return [_view(connection, i, today) for i in connection.execute(query).scalars()]


def open_offer(engine: Engine, case_id: str, today: date | None = None) -> OfferView | None:
    found = [o for o in case_offers(engine, case_id, today) if o.status == OFFERED]
    return found[-1] if found else None


def expire_lapsed_offers(engine: Engine, now: datetime) -> list[str]:
    """The recovery round's sweep: every open offer not accepted by its first due date closes
    as expired; returns the cases whose offer expired. Safe to run any number of times, and by
    several workers at once (only an offer still 'offered' moves)."""
    lapsed = (
        select(offers)
        .where(offers.c.status == OFFERED, offers.c.first_due < now.date())
        .order_by(offers.c.offered_at, offers.c.id)
    )
    with engine.connect() as connection:
        found = [dict(row._mapping) for row in connection.execute(lapsed)]
    expired = []
    for offer in found:
        with engine.begin() as connection:
            # The case first, as accepting and offering lock them: no deadlock with either.
            _case(connection, offer["case_id"], lock=True)
            if _expire(connection, offer, now):
                expired.append(offer["case_id"])
    return expired


def schedule(view: OfferView) -> list[ScheduledInstallment]:
    """The installments the offer makes (or made): the down payment on the day it is (was)
    accepted, then the regular ones from the first due date."""
    start = (view.accepted_at or view.offered_at).date()
    terms = PlanTerms(view.total_minor, view.down_payment_minor, view.installment_count,
                      Frequency(view.frequency), view.first_due, start)  # fmt: skip
    return build_schedule(terms)


def describe(view: OfferView) -> str:
    """'3 Monthly installments of 40.00 USD from 2027-01-05 after a down payment of 20.00 USD'."""
    cur = view.currency
    spread = view.total_minor - view.down_payment_minor
    each = spread // view.installment_count
    text = (
        f"{view.installment_count} {view.frequency.lower()} installments of about "
        f"{_money(each, cur)} from {view.first_due.isoformat()} ({_money(view.total_minor, cur)})"
    )
    if view.down_payment_minor:
        text += f" after a down payment of {_money(view.down_payment_minor, cur)}"
    return text


_FIRST_DUE = re.compile(r" from (\d{4}-\d\d-\d\d) \(")


def first_due_in(described: str) -> date | None:
    """The first due date in `describe`'s words: a counter without the recovery database has
    only the timeline's text of an offer."""
    found = _FIRST_DUE.search(described)
    return date.fromisoformat(found.group(1)) if found else None


# -- the case, the offer -------------------------------------------------------------------
def _terms(request: OfferRequest, owed: int, currency: str, today: date) -> PlanTerms:
    frequency = parse_frequency(request.frequency)
    down_text = str(request.down_payment or "").strip()
    down = parse_amount(down_text, currency, field="Down payment") if down_text else 0
    first_due = parse_first_due(request.first_due, today, frequency)
    count = parse_count(request.installments)
    return offer_terms(owed, down, count, frequency, first_due, today)


def _require_offerable(connection: Connection, case: dict[str, Any], now: datetime) -> None:
    """Refused when the case cannot take an offer or one awaits an answer; an open offer past
    its first due date is closed as expired here, so new terms replace it."""
    if case["status"] not in OFFERABLE:
        raise UserFacingError(
            f"Case {case['id']} is {case['status'].replace('_', ' ')}: no plan is offered."
        )
    query = select(offers).where(offers.c.case_id == case["id"], offers.c.status == OFFERED)
    pending = [dict(row._mapping) for row in connection.execute(query.with_for_update())]
    for offer in pending:
        if has_lapsed(offer["first_due"], now.date()):
            _expire(connection, offer, now)
    if any(not has_lapsed(offer["first_due"], now.date()) for offer in pending):
        raise UserFacingError(
            f"Case {case['id']} already has a plan offer awaiting the consumer's answer: record "
            "the acceptance or decline it first."
        )


def _case(connection: Connection, case_id: str, lock: bool = False) -> dict[str, Any]:
    query = select(recovery_cases).where(recovery_cases.c.id == case_id.strip())
    row = connection.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise UserFacingError(f"There is no recovery case {case_id}.")
    return dict(row._mapping)


def _open_offer(connection: Connection, case_id: str, lock: bool = False) -> dict[str, Any]:
    query = (
        select(offers)
        .where(offers.c.case_id == case_id.strip(), offers.c.status == OFFERED)
        .order_by(offers.c.offered_at.desc())
    )
    row = connection.execute(query.with_for_update() if lock else query).first()
    if row is None:
        newest = connection.execute(
            select(offers.c.status, offers.c.first_due)
            .where(offers.c.case_id == case_id.strip())
            .order_by(offers.c.offered_at.desc())
        ).first()
        if newest is not None and newest.status == EXPIRED:
            raise refuse_lapsed(case_id.strip(), newest.first_due)
        raise UserFacingError(f"Case {case_id} has no plan offer awaiting an answer.")
    return dict(row._mapping)


def _expire(connection: Connection, offer: dict[str, Any], now: datetime) -> bool:
    """Close a lapsed open offer as expired, with a line on its case's timeline; False when
    someone closed it first."""
    reason = lapse_reason(offer["first_due"])
    closed = connection.execute(
        update(offers)
        .where(offers.c.id == offer["id"], offers.c.status == OFFERED)
        .values(status=EXPIRED, closed_reason=reason)
    )
    if closed.rowcount != 1:
        return False
    view = _view(connection, offer["id"])
    _event(connection, offer["case_id"], now, EXPIRED_EVENT, 0,
           f"{describe(view)}, offered by {view.offered_by} on {view.offered_at:%Y-%m-%d}: "
           f"{reason}")  # fmt: skip
    return True


def _view(connection: Connection, offer_id: str, today: date | None = None) -> OfferView:
    row = connection.execute(select(offers).where(offers.c.id == offer_id)).one()
    status, closed_reason = row.status, row.closed_reason
    if status == OFFERED and today is not None and has_lapsed(row.first_due, today):
        status, closed_reason = EXPIRED, lapse_reason(row.first_due)  # the round has not run yet
    return OfferView(
        offer_id=row.id, case_id=row.case_id, consumer_id=row.consumer_id, status=status,
        total_minor=row.total_minor, currency=row.currency,
        down_payment_minor=row.down_payment_minor, installment_count=row.installment_count,
        frequency=row.frequency, first_due=row.first_due, offered_by=row.offered_by,
        offered_at=row.offered_at, accepted_at=row.accepted_at, accepted_by=row.accepted_by,
        accepted_channel=row.accepted_channel, acceptance_text=row.acceptance_text,
        recorded_by=row.recorded_by, plan_number=row.plan_number, closed_reason=closed_reason,
    )  # fmt: skip


def _event(
    connection: Connection,
    case_id: str,
    at: datetime,
    kind: str,
    amount_minor: int,
    reason: str,
    channel: str | None = None,
) -> None:
    """On the case's timeline, so the executive sees the offer beside the attempts."""
    connection.execute(recovery_events.insert().values(
        case_id=case_id, at=at, type=kind, channel=channel, amount_minor=amount_minor,
        detail={"reason": reason},
    ))  # fmt: skip


def _money(minor: int, currency: str) -> str:
    return f"{decimal_text(minor, currency)} {currency}"
