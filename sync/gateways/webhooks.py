"""Webhook signature checks for Stripe and NMI, returning the event in our terms.

Both schemes are HMAC-SHA256 over "<t>.<raw body>"; compare in constant time and verify the raw
bytes exactly as received (re-serialised JSON would not match).
"""

import hashlib
import hmac
import json
import re
from datetime import UTC, datetime
from typing import Any

from sync.gateways.errors import PayloadError, SignatureError
from sync.gateways.events import GatewayEvent
from sync.gateways.nmi_events import nmi_event
from sync.gateways.stripe_events import stripe_event

STRIPE_TOLERANCE_S = 300
_NMI_HEADER = re.compile(r"t=([^,\s]+),s=([0-9a-fA-F]+)")


def hmac_sha256(secret: str, prefix: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of "<prefix>.<body>" - the message both gateways sign."""
    return hmac.new(secret.encode(), prefix.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify_stripe(
    body: bytes,
    signature_header: str,
    secret: str,
    now: datetime,
    tolerance_s: int = STRIPE_TOLERANCE_S,
) -> GatewayEvent:
    """Check a `Stripe-Signature: t=...,v1=...[,v1=...]` header; any v1 may match (Stripe
    sends several while an endpoint secret is being rolled). Refuses a timestamp more than
    `tolerance_s` from `now`, which stops a captured request being replayed later."""
    return stripe_event(verified_stripe_json(body, signature_header, secret, now, tolerance_s))


def verified_stripe_json(
    body: bytes,
    signature_header: str,
    secret: str,
    now: datetime,
    tolerance_s: int = STRIPE_TOLERANCE_S,
) -> dict[str, Any]:
    """The body of a Stripe webhook whose signature verify_stripe accepts, as JSON, whatever
    its event type (Checkout events are read by their own adapter)."""
    if not secret:
        raise SignatureError("No Stripe webhook secret is configured.")
    timestamp, candidates = _stripe_header(signature_header)
    expected = hmac_sha256(secret, str(timestamp), body)
    if not any(hmac.compare_digest(expected, c) for c in candidates):
        raise SignatureError("Stripe signature does not match the body.")
    age = abs(now.astimezone(UTC).timestamp() - timestamp)
    if age > tolerance_s:
        raise SignatureError(
            f"Stripe signature timestamp is {age:.0f} s from now (tolerance {tolerance_s} s)."
        )
    return _json(body, "Stripe")


def verify_nmi(
    body: bytes, signature_header: str, signing_key: str, now: datetime | None = None
) -> GatewayEvent:
    """Check NMI's `Webhook-Signature: t=<nonce>,s=<signature>` header, where the signature is
    HMAC-SHA256 of "<nonce>.<body>" with the webhook signing key. NMI's `t` is a nonce, not a
    time, so there is no age check: a replay can only repeat an event, and events are applied
    idempotently by event id. `now` stands in for an event that carries no time of its own."""
    if not signing_key:
        raise SignatureError("No NMI signing key is configured.")
    match = _NMI_HEADER.fullmatch((signature_header or "").strip())
    if match is None:
        raise SignatureError("Webhook-Signature header is malformed; expected t=<nonce>,s=<sig>.")
    nonce, signature = match.groups()
    expected = hmac_sha256(signing_key, nonce, body)
    if not hmac.compare_digest(expected, signature.lower()):
        raise SignatureError("NMI signature does not match the body.")
    return nmi_event(_json(body, "NMI"), now or datetime.now(UTC))


def _stripe_header(header: str) -> tuple[int, list[str]]:
    timestamps, candidates = [], []
    for part in (header or "").split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            raise SignatureError("Stripe-Signature header is malformed.")
        if key == "t":
            timestamps.append(value)
        elif key == "v1":
            candidates.append(value.lower())
    if len(timestamps) != 1 or not timestamps[0].isdigit():
        raise SignatureError("Stripe-Signature header has no single numeric timestamp.")
    if not candidates:
        raise SignatureError("Stripe-Signature header has no v1 signature.")
    return int(timestamps[0]), candidates


def _json(body: bytes, gateway: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise PayloadError(f"{gateway} webhook body is not JSON.") from None
    if not isinstance(data, dict):
        raise PayloadError(f"{gateway} webhook body is not a JSON object.")
    return data
