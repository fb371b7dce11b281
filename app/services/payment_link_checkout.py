"""What a payment link asks of a gateway's hosted checkout, and what the gateway answers: the
service's side of the adapter (sync/gateways/adapters/stripe_checkout.py) that makes the call."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CheckoutRequest:
    """What the gateway's hosted page needs; the gateway adapter turns it into its API call."""

    case_id: str
    nonce: str
    amount_minor: int
    currency: str
    description: str
    email: str
    success_url: str
    cancel_url: str
    expires_at: datetime  # the session's own end: never after the link's
    idempotency_key: str


@dataclass(frozen=True)
class CheckoutSession:
    session_id: str
    url: str


@dataclass(frozen=True)
class CheckoutPaid:
    """A gateway's signed word that a checkout for this link was paid."""

    case_id: str
    nonce: str
    amount_minor: int
    currency: str
    session_id: str
    payment_reference: str


CreateCheckout = Callable[[CheckoutRequest], CheckoutSession]
