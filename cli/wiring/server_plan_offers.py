"""Payment plans offered on recovery cases, wired on the central server: the route a counter's
offer comes through (sync/server/plan_offer_routes.py), the recovery service's offer and
acceptance (app/services/recovery_plan_offers.py) and the PP- plan made on this server's
database (sync/server/plan_offers.py)."""

from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter
from sqlalchemy import Engine

from app.domain.plan_offers import CHANNEL_TEXT, Acceptance, AcceptedOffer
from cli.wiring.server_options import ServerOptions
from sync.server.plan_offer_routes import PlanOfferIn, plan_offer_router


def plan_maker(server: Engine) -> Callable[[AcceptedOffer, datetime], str]:
    """The recovery service's make_plan: the PP- plan made on the server's database."""
    from sync.server.plan_offers import make_accepted_plan

    def make(offer: AcceptedOffer, now: datetime) -> str:
        return make_accepted_plan(server, offer, now).plan_number

    return make


def plan_offer_action(
    recovery: Engine, server: Engine, case_id: str, body: PlanOfferIn, now: datetime
) -> tuple[str, str, str]:
    """(offer status, plan number, message) after the verb; UserFacingError when refused."""
    from app.services.recovery_plan_offers import (
        OfferRequest,
        accept_offer,
        decline_offer,
        describe,
        offer_and_accept,
        offer_plan,
    )

    user, make = body.username, plan_maker(server)
    terms = OfferRequest(body.installments, body.frequency, body.down_payment,
                         body.first_due or None)  # fmt: skip
    said = Acceptance(body.accepted_by, body.channel, body.evidence)
    if body.verb == "decline":
        view = decline_offer(recovery, case_id, body.reason, user=user, now=now)
        return view.status, "", "The offer is declined: the case goes on as before."
    if body.verb == "accept":
        view = accept_offer(recovery, case_id, said, user=user, now=now, make_plan=make)
    elif body.accepted_by.strip() or body.channel or body.evidence.strip():
        view = offer_and_accept(recovery, case_id, terms, said, user=user, now=now,
                                make_plan=make)  # fmt: skip
    else:
        view = offer_plan(recovery, case_id, terms, user=user, now=now)
        return view.status, "", f"Offered: {describe(view)}. Awaiting the consumer's answer."
    how = CHANNEL_TEXT.get(view.accepted_channel or "", "")
    message = (
        f"Plan {view.plan_number} made: {describe(view)}, accepted by {view.accepted_by} {how}."
    )
    return view.status, view.plan_number or "", message


def routers(options: ServerOptions) -> list[APIRouter]:
    if not options.recovery_db:
        return []
    from cli.wiring.server_recovery_sources import case_source, recovery_engine_for
    from sync.server.recovery_feed import publish_recovery_cases

    recovery = recovery_engine_for(options)

    def act(server: Engine, case_id: str, body: PlanOfferIn, now: datetime) -> tuple[str, str, str]:
        return plan_offer_action(recovery, server, case_id, body, now)

    def published(server: Engine, case_id: str) -> None:
        publish_recovery_cases(server, case_source(recovery), options.clock(), only=[case_id])

    return [plan_offer_router(act, published)]
