"""Signed webhook bodies for tests and demos: what Stripe and NMI would send us.

Shipped (not under tests/) so the server's tests and `tilldesk server demo` can post events
that verify_stripe / verify_nmi accept.
"""

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sync.gateways.amounts import text_from_minor
from sync.gateways.nmi_events import NMI_DATE
from sync.gateways.webhooks import hmac_sha256


def sign_stripe(body: bytes, secret: str, t: int) -> str:
    """The Stripe-Signature header Stripe would send for `body` at unix time `t`."""
    return f"t={t},v1={hmac_sha256(secret, str(t), body)}"


def sign_nmi(body: bytes, signing_key: str, nonce: str | None = None) -> str:
    """The Webhook-Signature header NMI would send for `body`."""
    nonce = nonce or uuid.uuid4().hex
    return f"t={nonce},s={hmac_sha256(signing_key, nonce, body)}"


def stripe_event_body(
    event_type: str,
    intent_id: str,
    amount_minor: int,
    *,
    currency: str = "USD",
    account_number: str | None = None,
    created: datetime | None = None,
    event_id: str | None = None,
    status: str = "succeeded",
    **extra: Any,
) -> bytes:
    """A Stripe event about a PaymentIntent (or, for charge.* types, about its charge)."""
    metadata = {"account_number": account_number} if account_number else {}
    if event_type.startswith("charge."):
        obj = {
            "id": f"ch_{uuid.uuid4().hex[:24]}",
            "object": "charge",
            "payment_intent": intent_id,
            "amount": amount_minor,
            "currency": currency.lower(),
            "status": status,
            "metadata": metadata,
            "payment_method_details": {"type": "card", "card": {"last4": "4242"}},
        }
    else:
        obj = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount_minor,
            "currency": currency.lower(),
            "status": status,
            "metadata": metadata,
        }
    obj.update(extra)
    event = {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "api_version": "2024-06-20",
        "created": int((created or datetime.now(UTC)).timestamp()),
        "type": event_type,
        "data": {"object": obj},
    }
    return json.dumps(event).encode()


def nmi_event_body(
    event_type: str,
    transaction_id: str,
    amount_minor: int,
    *,
    currency: str = "USD",
    order_id: str | None = None,
    at: datetime | None = None,
    event_id: str | None = None,
    response_code: str = "100",
) -> bytes:
    """An NMI transaction webhook, shaped like NMI's documented samples."""
    success = event_type.endswith(".success")
    body = {
        "event_id": event_id or str(uuid.uuid4()),
        "event_type": event_type,
        "event_body": {
            "merchant": {"id": "1234", "name": "Tilldesk Utility"},
            "features": {"is_test_mode": True},
            "transaction_id": transaction_id,
            "transaction_type": "cc",
            "condition": "pendingsettlement" if success else "failed",
            "order_id": order_id or "",
            "currency": currency.lower(),
            "requested_amount": text_from_minor(amount_minor, currency),
            "action": {
                "amount": text_from_minor(amount_minor, currency),
                "action_type": event_type.split(".")[1],
                "date": (at or datetime.now(UTC)).astimezone(UTC).strftime(NMI_DATE),
                "success": "1" if success else "0",
                "response_text": "SUCCESS" if success else "DECLINE",
                "response_code": response_code,
                "source": "api",
            },
            "card": {"cc_number": "4xxxxxxxxxxx1111", "cc_type": "visa"},
        },
    }
    return json.dumps(body).encode()
