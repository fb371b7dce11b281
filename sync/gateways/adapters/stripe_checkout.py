"""Stripe Checkout for payment links: create a hosted Checkout Session, read its webhook.

The session carries the case id and the link's nonce in its metadata (and on its
PaymentIntent), so `checkout.session.completed` says which link it pays without a lookup.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote
from uuid import uuid4

import requests

from sync.gateways.adapters.http import HttpClient
from sync.gateways.adapters.stripe import STRIPE_API
from sync.gateways.errors import GatewayError, PayloadError

# A session in either state can no longer take a payment (Stripe expires only an open one).
NOT_OPEN = ("expired", "complete")
# Sent once the customer paid; a bank debit or UPI may complete later, as async_payment_succeeded.
PAID_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")


@dataclass(frozen=True)
class HostedCheckout:
    session_id: str
    url: str


@dataclass(frozen=True)
class CheckoutCompleted:
    session_id: str
    case_id: str
    link: str  # the link's nonce
    amount_minor: int
    currency: str  # upper case, as we store it
    payment_intent: str


class StripeCheckout:
    name = "stripe"

    def __init__(self, secret_key: str, *, base_url: str = STRIPE_API, **http: Any) -> None:
        self.http = HttpClient(base_url, headers={"Authorization": f"Bearer {secret_key}"}, **http)

    def create_session(
        self,
        *,
        case_id: str,
        link: str,
        amount_minor: int,
        currency: str,
        description: str,
        success_url: str,
        cancel_url: str,
        expires_at: datetime,
        idempotency_key: str,
        email: str = "",
    ) -> HostedCheckout:
        """POST /v1/checkout/sessions in payment mode for one line: what the link asks."""
        form: dict[str, Any] = {
            "mode": "payment",
            "line_items[0][quantity]": 1,
            "line_items[0][price_data][currency]": currency.lower(),
            "line_items[0][price_data][unit_amount]": amount_minor,
            "line_items[0][price_data][product_data][name]": description,
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": int(expires_at.timestamp()),
            "client_reference_id": case_id,
            "metadata[case_id]": case_id,
            "metadata[link]": link,
            "payment_intent_data[metadata][case_id]": case_id,
            "payment_intent_data[metadata][link]": link,
        }
        if email:
            form["customer_email"] = email
        response = self.http.request(
            "POST", "/v1/checkout/sessions", data=form, headers={"Idempotency-Key": idempotency_key}
        )
        if response.status_code >= 400:
            raise GatewayError(
                f"Stripe refused the checkout: {_error(response)}",
                retryable=response.status_code >= 500 or response.status_code == 429,
                http_status=response.status_code,
                code=_error_code(response),
            )
        session = response.json()
        return HostedCheckout(session_id=str(session["id"]), url=str(session["url"]))

    def expire_session(self, session_id: str) -> str:
        """POST /v1/checkout/sessions/{id}/expire: no one can pay through the session after it.

        Returns the session's status now: "expired", or "complete" when it was paid first (its
        webhook reports that payment). Stripe refuses to expire a session that is not open, so
        a refusal is checked by reading the session back. GatewayError: it may still be open."""
        path = f"/v1/checkout/sessions/{quote(session_id, safe='')}"
        # A fresh key per call: Stripe replays a key's first answer, a 500 included.
        key = f"tilldesk-expire-{uuid4().hex}"
        response = self.http.request("POST", f"{path}/expire", headers={"Idempotency-Key": key})
        if response.status_code < 400:
            return _status(response)
        if response.status_code < 500 and response.status_code != 429:
            read = self.http.request("GET", path)
            if read.status_code < 400 and _status(read) in NOT_OPEN:
                return _status(read)
        raise GatewayError(
            f"Stripe did not expire checkout session {session_id}: {_error(response)}",
            retryable=True,  # it may still be open: the next round tries again
            http_status=response.status_code,
            code=_error_code(response),
        )


def checkout_completed(event: dict[str, Any]) -> CheckoutCompleted | None:
    """The paid Checkout Session of a verified Stripe event; None for any other event (or a
    session still waiting for its money), which the webhook acknowledges and ignores."""
    if event.get("type") not in PAID_EVENTS:
        return None
    try:
        session = event["data"]["object"]
        if session.get("payment_status") != "paid":
            return None
        metadata = session.get("metadata") or {}
        if "link" not in metadata:  # a checkout of something else on the same Stripe account
            return None
        completed = CheckoutCompleted(
            session_id=str(session["id"]),
            case_id=str(metadata["case_id"]),
            link=str(metadata["link"]),
            amount_minor=int(session["amount_total"]),
            currency=str(session["currency"]).upper(),
            payment_intent=str(session.get("payment_intent") or session["id"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise PayloadError(f"Stripe checkout event without a usable {error}.") from None
    if completed.amount_minor <= 0:
        raise PayloadError(f"Stripe checkout event with amount {completed.amount_minor}.")
    return completed


def _status(response: requests.Response) -> str:
    """A checkout session's status, from Stripe's answer with the session."""
    try:
        status = response.json().get("status")
    except (ValueError, AttributeError):
        status = None
    if not isinstance(status, str):
        raise GatewayError("Stripe answered about a checkout session without its status.")
    return status


def _error_body(response: requests.Response) -> dict[str, Any]:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return {}
    return error if isinstance(error, dict) else {}


def _error(response: requests.Response) -> str:
    return str(_error_body(response).get("message") or response.reason)


def _error_code(response: requests.Response) -> str | None:
    code = _error_body(response).get("code")
    return str(code) if code else None
