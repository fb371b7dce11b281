"""The payment plan a recovery executive offered, on the case's payment link page: shown while
it is open and in time, and accepted there by the consumer (channel "link").

The yes goes through the same `accept_offer` as one given at a counter or by phone: the central
server makes the PP- plan (`make_plan`) and the case goes on the plan. That also ends what the
link asks for: a case on a plan owes nothing through a link, so its page and its checkout are
refused as for any settled case, and the page shows the plan instead.
"""

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from app.domain.errors import UserFacingError
from app.domain.plan_offers import LINK_RECORDER, Acceptance, AcceptedOffer
from app.recovery.links import LinkPlanOffer, verify_link
from app.services.payment_links import OpenLink, PaymentLinks
from app.services.recovery_plan_offers import (
    ACCEPTED,
    DECLINED,
    EXPIRED,
    MakePlan,
    OfferView,
    accept_offer,
    case_offers,
    describe,
    open_offer,
    schedule,
)

log = logging.getLogger(__name__)
CHANNEL = "link"
NOT_OPEN = (
    "This payment plan offer is no longer open: it was answered or changed since you opened "
    "this page. Contact us about a plan, or pay the amount due."
)


class LinkPlans:
    """The executive's plan offer on the payment links of one recovery database."""

    def __init__(
        self, links: PaymentLinks, close_checkouts: Callable[[str], object] | None = None
    ) -> None:
        self.links = links
        # Given a case, expires its links' open checkouts (payment_link_closing).
        self.close_checkouts = close_checkouts

    def offered(self, token: str) -> LinkPlanOffer | None:
        """The offer the link's consumer may accept now: open, in time, for what the case owes
        (any other would be refused on accepting, so the page does not show it)."""
        now = self.links.clock()
        link = self.links.open_link(token)
        view = open_offer(self.links.engine, link.case_id, now.date())
        if view is None or view.total_minor != link.owed_minor:
            return None
        # The down payment falls due the day the plan is accepted: today, if it is now.
        return _shown(view, replace(view, accepted_at=now))

    def accept(
        self, token: str, offer_id: str, name: str, agreed: bool, make_plan: MakePlan
    ) -> LinkPlanOffer:
        """The consumer's yes to the offer the page showed; UserFacingError (nothing written)
        when the name or the tick is missing or the offer is no longer the one to accept."""
        done = self.accepted(token)
        if done is not None and done.offer_id == offer_id:
            return done  # the same form sent again (a double click, a reload): the same answer
        now = self.links.clock()
        link = self.links.open_link(token)
        name = " ".join(name.split())
        if not name:
            raise UserFacingError("Type your full name to accept the plan.")
        if not agreed:
            raise UserFacingError("Tick the box to confirm you agree to the payment schedule.")
        view = self._still_open(link, offer_id, now)
        evidence = (
            f"Accepted on the payment link page on {now:%Y-%m-%d %H:%M:%S} UTC "
            f"(link {link.nonce}), agreeing to: {describe(view)}"
        )

        def make_the_plan_shown(offer: AcceptedOffer, at: datetime) -> str:
            # accept_offer takes the case's open offer under its lock: should it no longer be
            # the one the consumer read, nothing is made and its transaction rolls back.
            if (offer.plan_id, offer.total_minor) != (view.offer_id, view.total_minor):
                raise UserFacingError(NOT_OPEN)
            return make_plan(offer, at)

        accepted = accept_offer(
            self.links.engine, link.case_id, Acceptance(name, CHANNEL, evidence),
            user=LINK_RECORDER, now=now, make_plan=make_the_plan_shown,
        )  # fmt: skip
        self._close_checkouts(link.case_id)
        return _shown(accepted, accepted)

    def _close_checkouts(self, case_id: str) -> None:
        """The plan asks for the money now: a checkout left open would take it twice. The plan
        is made, so a failure here must not tell the consumer otherwise: the round retries."""
        if self.close_checkouts is None:
            return
        try:
            self.close_checkouts(case_id)
        except Exception:
            log.exception("checkouts of case %s not closed yet; the next round will", case_id)

    def accepted(self, token: str) -> LinkPlanOffer | None:
        """The plan the consumer accepted on a payment link of this case, if they did: for the
        answer page, also after the link itself expired."""
        case_id = verify_link(token, self.links.secret()).case_id
        found = [
            view
            for view in case_offers(self.links.engine, case_id)
            if view.status == ACCEPTED and view.accepted_channel == CHANNEL
        ]
        return _shown(found[-1], found[-1]) if found else None

    def _still_open(self, link: OpenLink, offer_id: str, now: datetime) -> OfferView:
        """The offer the form names, if it may still be accepted; why not, in the consumer's
        words (accept_offer's own refusals speak to the executive)."""
        offers = case_offers(self.links.engine, link.case_id, now.date())
        view = next((o for o in offers if o.offer_id == offer_id), None)
        if view is None or view.status in (ACCEPTED, DECLINED):
            raise UserFacingError(NOT_OPEN)
        if view.status == EXPIRED:
            raise UserFacingError(
                f"This payment plan offer has expired: it had to be accepted by "
                f"{view.first_due.isoformat()}, its first due date. Contact us for a new offer, "
                "or pay the amount due."
            )
        if view.total_minor != link.owed_minor:
            raise UserFacingError(
                "What you owe has changed since this plan was offered, so it can no longer be "
                "accepted. Contact us for a new offer, or pay the amount due."
            )
        return view


def _shown(view: OfferView, timed: OfferView) -> LinkPlanOffer:
    """The page's view of an offer; `timed` dates its down payment (offered or accepted)."""
    return LinkPlanOffer(
        offer_id=view.offer_id, total_minor=view.total_minor, currency=view.currency,
        down_payment_minor=view.down_payment_minor, installment_count=view.installment_count,
        frequency=view.frequency, first_due=view.first_due, schedule=tuple(schedule(timed)),
        plan_number=view.plan_number, accepted_by=view.accepted_by,
    )  # fmt: skip
