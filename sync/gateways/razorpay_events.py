"""Razorpay-style webhooks for India's recurring rails: a failed e-NACH debit or UPI AutoPay
execution, read as a recurring failure with its NPCI reason code.

The signature is Razorpay's: `X-Razorpay-Signature` is the hex HMAC-SHA256 of the raw body with
the webhook secret. A payment's `error_reason` (Razorpay's word for the cause) becomes the NPCI
code of the decline tables through resources/recovery/decline_codes/razorpay_reasons.csv; a
payload that already carries the NPCI code (`acquirer_data.npci_reason_code`, as the banks'
return files give it) is taken as is.
"""

import csv
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sync.gateways.errors import PayloadError, SignatureError, UnsupportedEvent

REASONS = (
    Path(__file__).resolve().parents[2]
    / "resources" / "recovery" / "decline_codes" / "razorpay_reasons.csv"
)  # fmt: skip
METHODS = {"emandate": "enach", "nach": "enach", "upi": "upi_autopay"}


@dataclass(frozen=True)
class RecurringFailure:
    event_id: str
    external_id: str  # Razorpay's payment id (pay_...)
    amount_minor: int
    currency: str
    method: str  # enach | upi_autopay
    code: str  # the NPCI reason code
    reason: str  # Razorpay's error_reason, as sent
    instrument: str  # the token (mandate) id: never an account number
    account_number: str | None  # the consumer account, from the payment's notes
    occurred_at: datetime


def verify_razorpay(body: bytes, signature: str, secret: str) -> dict[str, Any]:
    if not secret:
        raise SignatureError("No Razorpay webhook secret is configured.")
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not signature or not hmac.compare_digest(expected, signature.strip().lower()):
        raise SignatureError("Razorpay signature does not match the body.")
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PayloadError("The Razorpay body is not JSON.") from None
    if not isinstance(event, dict):
        raise PayloadError("The Razorpay body is not a JSON object.")
    return event


def recurring_failure(event: dict[str, Any], event_id: str) -> RecurringFailure:
    """The failure in a `payment.failed` event of an e-NACH or UPI AutoPay payment; any other
    event raises UnsupportedEvent (acknowledged, nothing recorded)."""
    if event.get("event") != "payment.failed":
        raise UnsupportedEvent(f"Razorpay event {event.get('event')!r} is not tracked.")
    try:
        payment = event["payload"]["payment"]["entity"]
        method = METHODS.get(str(payment.get("method")))
        if method is None:
            raise UnsupportedEvent(f"Razorpay method {payment.get('method')!r} is not recurring.")
        amount = int(payment["amount"])
        currency = str(payment["currency"]).upper()
        external_id = str(payment["id"])
        created = datetime.fromtimestamp(int(payment["created_at"]), UTC)
    except (KeyError, TypeError, ValueError):
        raise PayloadError("The Razorpay payment.failed event lacks its payment.") from None
    if amount <= 0:
        raise PayloadError(f"Razorpay payment {external_id} has a non-positive amount.")
    reason = str(payment.get("error_reason") or "")
    acquirer = payment.get("acquirer_data") or {}
    code = str(acquirer.get("npci_reason_code") or "") or npci_code(method, reason)
    notes = payment.get("notes") or {}
    return RecurringFailure(
        event_id=event_id or f"{external_id}:{reason}",
        external_id=external_id,
        amount_minor=amount,
        currency=currency,
        method=method,
        code=code,
        reason=reason,
        instrument=str(payment.get("token_id") or ""),
        account_number=(str(notes["account_number"]) if notes.get("account_number") else None),
        occurred_at=created,
    )


def npci_code(method: str, reason: str) -> str:
    """Razorpay's reason as the NPCI code; the reason itself when unmapped (the decline tables
    then treat it as unknown: cautiously, and reported)."""
    return _reasons().get((method, reason), reason)


@cache
def _reasons() -> dict[tuple[str, str], str]:
    with REASONS.open(newline="", encoding="utf-8") as handle:
        return {(row["method"], row["reason"]): row["npci_code"] for row in csv.DictReader(handle)}
