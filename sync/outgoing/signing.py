"""How an outgoing webhook is signed, and how a receiver checks it (the documented algorithm).

Headers on every POST:
  Tilldesk-Event-Id: <uuid>          the same on every retry of the event: deduplicate on it
  Tilldesk-Event-Kind: case.opened   (or another kind)
  Tilldesk-Signature: t=<unix seconds>,v1=<hex>
where v1 = hex(HMAC-SHA256(key=the endpoint's secret, msg=f"{t}.".encode() + raw body)).
A receiver recomputes v1 over the raw body it got, compares in constant time, and refuses a t
too far from its own clock (replays).
"""

import hashlib
import hmac

SIGNATURE_HEADER = "Tilldesk-Signature"
EVENT_ID_HEADER = "Tilldesk-Event-Id"
EVENT_KIND_HEADER = "Tilldesk-Event-Kind"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(
    secret: str, header: str, body: bytes, now: int, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """True when `header` signs `body` with `secret` and its time is within `tolerance`."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return hmac.compare_digest(expected, parts.get("v1", ""))
