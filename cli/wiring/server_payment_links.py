"""The central server's payment_links routes, wired to the recovery database (composition root).

A plan offer accepted on a link's page is made on this server's database (the same PP- plan
maker as the plan-offer route) and the case is published to the counters at once.

The links are signed with the keyring's "payment-link-secret" (service tilldesk-server); the
checkout uses Stripe with the keyring's "stripe-secret-key" at $TILLDESK_STRIPE_API_URL (the
real API when unset); Stripe's webhook for it is checked with "stripe-webhook-secret".

Every $TILLDESK_LINK_CLOSE_SECONDS (a minute by default; 0: never) a round expires the open
checkouts of links whose case is no longer payable through them (app/services/
payment_link_closing.py); a plan accepted on a link's page does it for its case at once.
"""

import logging
import os
from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter, FastAPI
from sqlalchemy import Engine

from app.recovery.links import LinkPage, LinkPlanOffer, verify_link
from app.services.payment_link_checkout import CheckoutPaid, CheckoutRequest, CheckoutSession
from app.services.payment_link_closing import (
    CheckoutStillOpen,
    ExpireCheckout,
    close_unpayable_links,
)
from app.services.payment_link_plans import LinkPlans
from app.services.payment_links import PaymentLinks
from app.services.recovery_database import recovery_db_url, shared_recovery_database
from cli.wiring.background_rounds import run_rounds
from cli.wiring.server_options import ServerOptions
from sync.gateways.adapters.stripe import STRIPE_API
from sync.gateways.adapters.stripe_checkout import CheckoutCompleted, StripeCheckout
from sync.gateways.config import STRIPE_SECRET_KEY, gateway_key
from sync.gateways.errors import GatewayError
from sync.server.keys import PAYMENT_LINK_SECRET, STRIPE_SECRET, keyring_secret
from sync.server.payment_links import payment_link_router

STRIPE_API_VARIABLE = "TILLDESK_STRIPE_API_URL"
CLOSE_INTERVAL_VARIABLE = "TILLDESK_LINK_CLOSE_SECONDS"
DEFAULT_CLOSE_INTERVAL_S = 60.0
log = logging.getLogger(__name__)


def routers(
    options: ServerOptions,
    *,
    link_secret: Callable[[], bytes] | None = None,
    checkout_gateway: Callable[[], StripeCheckout] | None = None,
    webhook_secret: Callable[[], str | None] | None = None,
) -> list[APIRouter]:
    """This area's routers for the server app (none when the area is not configured).

    Tests pass the secrets and the gateway; the server itself takes them from the keyring."""
    if not options.recovery_db:
        return []
    engine = shared_recovery_database(recovery_db_url(options.recovery_db))
    service = PaymentLinks(engine, link_secret or keyring_link_secret, options.clock)
    port = LinkPort(service, checkout_gateway or stripe_checkout, options.clock)
    secret = webhook_secret or (lambda: keyring_secret(STRIPE_SECRET))
    return [payment_link_router(port, options.public_url, secret, options.clock)]


def install(
    app: FastAPI,
    options: ServerOptions,
    *,
    checkout_gateway: Callable[[], StripeCheckout] | None = None,
) -> None:
    """The closing round in the background while the app's lifespan runs."""
    interval = float(os.environ.get(CLOSE_INTERVAL_VARIABLE) or DEFAULT_CLOSE_INTERVAL_S)
    if not options.recovery_db or interval <= 0:
        return
    engine = shared_recovery_database(recovery_db_url(options.recovery_db))
    expire = expire_checkout(checkout_gateway or stripe_checkout)

    run_rounds(app, "link-closing", interval,
               lambda: close_unpayable_links(engine, expire, options.clock()))  # fmt: skip


def expire_checkout(gateway: Callable[[], StripeCheckout]) -> ExpireCheckout:
    """Stripe's expiry as the closing service asks for it (a missing key is a gateway error)."""

    def expire(session_id: str) -> str:
        try:
            return gateway().expire_session(session_id)
        except GatewayError as error:
            raise CheckoutStillOpen(error.message) from None

    return expire


def keyring_link_secret() -> bytes:
    value = keyring_secret(PAYMENT_LINK_SECRET)
    if not value:
        raise RuntimeError(
            f"The {PAYMENT_LINK_SECRET} is not in the keyring: set it with "
            f"'tilldesk server set-secret {PAYMENT_LINK_SECRET}' (32 or more random characters)."
        )
    return value.encode()


def stripe_checkout() -> StripeCheckout:
    base_url = os.environ.get(STRIPE_API_VARIABLE) or STRIPE_API
    return StripeCheckout(gateway_key(STRIPE_SECRET_KEY), base_url=base_url)


class LinkPort:
    """The server's PaymentLinkPort over the service and Stripe Checkout."""

    def __init__(
        self,
        service: PaymentLinks,
        gateway: Callable[[], StripeCheckout],
        clock: Callable[[], datetime],
    ) -> None:
        self.service = service
        self.gateway = gateway
        expire = expire_checkout(gateway)
        self.plans = LinkPlans(
            service, lambda case_id: close_unpayable_links(service.engine, expire, clock(), case_id)
        )
        self.clock = clock

    def plan_offer(self, token: str) -> LinkPlanOffer | None:
        return self.plans.offered(token)

    def accepted_plan(self, token: str) -> LinkPlanOffer | None:
        return self.plans.accepted(token)

    def accept_plan(
        self, server: Engine, token: str, offer_id: str, name: str, agreed: bool
    ) -> LinkPlanOffer:
        from cli.wiring.server_plan_offers import plan_maker
        from cli.wiring.server_recovery_sources import case_source
        from sync.server.recovery_feed import publish_recovery_cases

        plan = self.plans.accept(token, offer_id, name, agreed, plan_maker(server))
        # The counters see the case on its plan now rather than at the feed's next round; that
        # round publishes it anyway, so a failure here must not tell the consumer otherwise.
        case_id = verify_link(token, self.service.secret()).case_id
        try:
            publish_recovery_cases(server, case_source(self.service.engine), self.clock(),
                                   only=[case_id])  # fmt: skip
        except Exception:
            log.exception("case %s on plan %s not published yet", case_id, plan.plan_number)
        return plan

    def page(self, token: str) -> LinkPage:
        return self.service.page(token)

    def request_plan(self, token: str) -> LinkPage:
        return self.service.request_plan(token)

    def receipt(self, token: str) -> LinkPage:
        return self.service.receipt(token)

    def checkout(self, token: str, success_url: str, cancel_url: str) -> str:
        def create(request: CheckoutRequest) -> CheckoutSession:
            hosted = self.gateway().create_session(
                case_id=request.case_id,
                link=request.nonce,
                amount_minor=request.amount_minor,
                currency=request.currency,
                description=request.description,
                success_url=request.success_url,
                cancel_url=request.cancel_url,
                expires_at=request.expires_at,
                idempotency_key=request.idempotency_key,
                email=request.email,
            )
            return CheckoutSession(hosted.session_id, hosted.url)

        return self.service.start_checkout(token, create, success_url, cancel_url)

    def settle(self, paid: CheckoutCompleted) -> bool:
        settlement = self.service.settle(
            CheckoutPaid(
                case_id=paid.case_id,
                nonce=paid.link,
                amount_minor=paid.amount_minor,
                currency=paid.currency,
                session_id=paid.session_id,
                payment_reference=paid.payment_intent,
            )
        )
        return settlement.settled
