"""A Stripe event (already signature-checked) read into a GatewayEvent."""

from datetime import UTC, datetime
from typing import Any

from sync.gateways.errors import PayloadError, UnsupportedEvent
from sync.gateways.events import GatewayEvent
from sync.gateways.status import STRIPE_EVENTS


def stripe_event(event: dict[str, Any]) -> GatewayEvent:
    """PaymentIntent and Charge events about one payment; other types raise UnsupportedEvent."""
    try:
        kind, obj = event["type"], event["data"]["object"]
        event_id, created = str(event["id"]), int(event["created"])
    except (KeyError, TypeError, ValueError) as error:
        raise PayloadError(f"Stripe event without {error}.") from None
    mapping = STRIPE_EVENTS.get(kind)
    if mapping is None:
        raise UnsupportedEvent(f"Stripe event type '{kind}' is not tracked.")
    try:
        fields = _charge_fields(obj) if obj["object"] == "charge" else _intent_fields(obj)
        _require_sound_amounts(kind, fields)
        return GatewayEvent(
            gateway="stripe",
            event_id=event_id,
            status=mapping.status,
            settlement=mapping.settlement,
            occurred_at=datetime.fromtimestamp(created, UTC),
            raw_status=kind,
            currency=str(obj["currency"]).upper(),
            account_number=(obj.get("metadata") or {}).get("account_number"),
            **fields,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise PayloadError(f"Stripe {kind} event without a usable {error}.") from None


def _require_sound_amounts(kind: str, fields: dict[str, Any]) -> None:
    """A signed event is still only as good as its numbers: a payment of zero or less, or a
    refund beyond the payment, would become a wrong payment on every counter."""
    amount, refunded = fields["amount_minor"], fields.get("refunded_minor", 0)
    if amount <= 0:
        raise PayloadError(f"Stripe {kind} event with amount {amount}: it must be above zero.")
    if not 0 <= refunded <= amount:
        raise PayloadError(
            f"Stripe {kind} event refunds {refunded} of {amount}: that is not a refund."
        )


def _intent_fields(intent: dict[str, Any]) -> dict[str, Any]:
    error = intent.get("last_payment_error") or {}
    card = ((error.get("payment_method") or {}).get("card")) or {}
    return {
        "external_id": str(intent["id"]),
        "amount_minor": int(intent["amount"]),
        "decline_code": error.get("decline_code") or error.get("code"),
        "last4": card.get("last4"),
    }


def _charge_fields(charge: dict[str, Any]) -> dict[str, Any]:
    card = (charge.get("payment_method_details") or {}).get("card") or {}
    outcome = charge.get("outcome") or {}
    return {
        # Our payment is the PaymentIntent; a charge is one attempt at it.
        "external_id": str(charge.get("payment_intent") or charge["id"]),
        "amount_minor": int(charge["amount"]),
        "refunded_minor": int(charge.get("amount_refunded") or 0),
        "decline_code": charge.get("failure_code") or outcome.get("reason"),
        "last4": card.get("last4"),
    }
