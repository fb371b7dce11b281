"""Payment link routes: the consumer's page, the hand-over to Stripe Checkout, the thank-you
page and Stripe's `checkout.session.completed` webhook that settles the case; and the recovery
executive's plan offer on the page, accepted there (the PP- plan made on this server).

Like the page's other forms, accepting is a POST to the link's own unguessable address (no
other site can know it, and the page may not be framed), answered with a 303 to a page that is
safe to reload; the same form sent twice gets the same answer and makes one plan.

The recovery database is reached only through `PaymentLinkPort` (wired in cli/wiring): this
module never imports app.db or app.services. A refused link gets a plain page with 403, 404 or
410 and changes nothing; an unexpected error gets a plain 500 page, never a traceback.
"""

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import Engine

from app.domain.errors import UserFacingError
from app.recovery.links import REFUSALS, LinkPage, LinkPlanOffer, LinkRefused
from sync.gateways.adapters.stripe_checkout import CheckoutCompleted, checkout_completed
from sync.gateways.errors import GatewayError, PayloadError, SignatureError
from sync.gateways.webhooks import verified_stripe_json
from sync.server.payment_offer_pages import offer_html, plan_accepted_html
from sync.server.payment_pages import link_html, refusal_html, thanks_html

log = logging.getLogger(__name__)

# The token in the address must not leak to the gateway's page (Referer) or sit in a cache;
# nothing on the page may load from elsewhere.
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "base-uri 'none'; frame-ancestors 'none'",
}


class PaymentLinkPort(Protocol):
    def page(self, token: str) -> LinkPage: ...

    def checkout(self, token: str, success_url: str, cancel_url: str) -> str: ...

    def request_plan(self, token: str) -> LinkPage: ...

    def receipt(self, token: str) -> LinkPage: ...

    def settle(self, paid: CheckoutCompleted) -> bool: ...

    def plan_offer(self, token: str) -> LinkPlanOffer | None: ...

    def accept_plan(
        self, server: Engine, token: str, offer_id: str, name: str, agreed: bool
    ) -> LinkPlanOffer: ...

    def accepted_plan(self, token: str) -> LinkPlanOffer | None: ...


class CheckoutAnswer(BaseModel):
    received: bool
    settled: bool = False
    case_id: str | None = None


def payment_link_router(
    port: PaymentLinkPort,
    public_url: str,
    webhook_secret: Callable[[], str | None],
    clock: Callable[[], datetime],
) -> APIRouter:
    router = APIRouter(tags=["payment links"])

    def base(request: Request) -> str:
        return public_url.rstrip("/") or str(request.base_url).rstrip("/")

    def respond(call: Callable[[], Response]) -> Response:
        try:
            return call()
        except LinkRefused as refused:
            code, title = REFUSALS.get(refused.reason, (400, "This link cannot be used"))
            return HTMLResponse(refusal_html(title, refused.message), code, headers=HEADERS)
        except GatewayError as error:
            log.warning("payment link checkout failed: %s", error)
            return _trouble(502, "The payment page could not be opened. Try again in a minute.")
        except Exception:  # a bug: logged with its traceback, the consumer sees a plain page
            log.exception("payment link page failed")
            return _trouble(500, "Something went wrong on our side. Try again later.")

    @router.get("/pay/{token}", response_class=HTMLResponse)
    def open_link(token: str) -> Response:
        return respond(lambda: _html(_link_page(port, token)))

    @router.post("/pay/{token}/checkout", response_class=HTMLResponse)
    def checkout(token: str, request: Request) -> Response:
        here = f"{base(request)}/pay/{token}"
        # 303: the browser GETs the gateway's page, it does not re-POST the form there.
        return respond(
            lambda: RedirectResponse(
                port.checkout(token, f"{here}/done", here), status.HTTP_303_SEE_OTHER, HEADERS
            )
        )

    @router.post("/pay/{token}/plan", response_class=HTMLResponse)
    def ask_for_plan(token: str, request: Request) -> Response:
        def asked() -> Response:
            port.request_plan(token)
            # Back to the link's page (which now says so): reloading it asks nothing twice.
            return RedirectResponse(f"{base(request)}/pay/{token}", 303, HEADERS)

        return respond(asked)

    @router.post("/pay/{token}/plan-offer", response_class=HTMLResponse)
    async def accept_plan(token: str, request: Request) -> Response:
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        offer_id, name = _field(form, "offer"), _field(form, "name")
        agreed = _field(form, "agree") == "yes"

        def accepted() -> Response:
            try:
                port.accept_plan(request.app.state.engine, token, offer_id, name, agreed)
            except UserFacingError as refused:  # the page again, saying why; nothing written
                return _html(_link_page(port, token, refused.message, name), 409)
            return RedirectResponse(f"{base(request)}/pay/{token}/plan-offer", 303, HEADERS)

        return await run_in_threadpool(respond, accepted)

    @router.get("/pay/{token}/plan-offer", response_class=HTMLResponse)
    def plan_accepted(token: str, request: Request) -> Response:
        def shown() -> Response:
            plan = port.accepted_plan(token)
            if plan is None:  # nothing accepted on a link of this case: the link's own page
                return RedirectResponse(f"{base(request)}/pay/{token}", 303, HEADERS)
            return _html(plan_accepted_html(port.receipt(token), plan))

        return respond(shown)

    @router.get("/pay/{token}/done", response_class=HTMLResponse)
    def done(token: str) -> Response:
        return respond(lambda: _html(thanks_html(port.receipt(token))))

    @router.post(
        "/v1/webhooks/stripe-checkout",
        response_model=CheckoutAnswer,
        tags=["webhooks"],
        responses={403: {"description": "Bad or missing signature"}},
    )
    async def stripe_checkout(request: Request) -> CheckoutAnswer:
        body = await request.body()
        header = request.headers.get("Stripe-Signature", "")
        secret = webhook_secret()
        if not secret:
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE, "The Stripe webhook secret is not set."
            )
        return await run_in_threadpool(_settle, port, body, header, secret, clock())

    return router


def _settle(
    port: PaymentLinkPort, body: bytes, header: str, secret: str, now: datetime
) -> CheckoutAnswer:
    try:
        paid = checkout_completed(verified_stripe_json(body, header, secret, now))
        if paid is None:  # another event, or money not yet in: acknowledged, nothing to do
            return CheckoutAnswer(received=True)
        settled = port.settle(paid)
    except SignatureError as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, str(error)) from None
    except PayloadError as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, error.message) from None
    except LinkRefused as refused:  # Stripe retries it and shows it failing: a person looks
        code = REFUSALS.get(refused.reason, (400, ""))[0]
        raise HTTPException(code, refused.message) from None
    return CheckoutAnswer(received=True, settled=settled, case_id=paid.case_id)


def _link_page(port: PaymentLinkPort, token: str, problem: str = "", name: str = "") -> str:
    """The link's page, with the executive's open offer if there is one; a link whose case is
    on the plan its consumer accepted there shows that plan, not "nothing is owed"."""
    try:
        page = port.page(token)
    except LinkRefused as refused:
        plan = port.accepted_plan(token) if refused.reason == "settled" else None
        if plan is None:
            raise
        return plan_accepted_html(port.receipt(token), plan)
    offer = port.plan_offer(token)
    if offer is None:
        return link_html(page, token, problem=problem)
    return link_html(page, token, offer_html(page, token, offer, problem, name))


def _field(form: dict[str, list[str]], name: str) -> str:
    return form.get(name, [""])[0]


def _html(text: str, code: int = 200) -> Response:
    return HTMLResponse(text, code, headers=HEADERS)


def _trouble(code: int, message: str) -> Response:
    return HTMLResponse(refusal_html("Please try again", message), code, headers=HEADERS)
