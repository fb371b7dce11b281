"""Stripe Checkout for payment links: create a hosted Checkout Session, read its webhook.

The session carries the case id and the link's nonce in its metadata (and on its
PaymentIntent), so `checkout.session.completed` says which link it pays without a lookup.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sync.gateways.adapters.http import HttpClient
from sync.gateways.adapters.stripe import STRIPE_API
from sync.gateways.errors import GatewayError, PayloadError

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
            try:
                error = response.json().get("error") or {}
            except ValueError:
                error = {}
            raise GatewayError(
                f"Stripe refused the checkout: {error.get('message') or response.reason}",
                retryable=response.status_code >= 500 or response.status_code == 429,
                http_status=response.status_code,
                code=error.get("code"),
            )
        session = response.json()
        return HostedCheckout(session_id=str(session["id"]), url=str(session["url"]))


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
