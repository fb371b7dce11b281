"""An NMI webhook (already signature-checked) read into a GatewayEvent."""

from datetime import UTC, datetime
from typing import Any

from sync.gateways.amounts import minor_from_text
from sync.gateways.errors import PayloadError, UnsupportedEvent
from sync.gateways.events import GatewayEvent
from sync.gateways.status import NMI_EVENTS

NMI_DATE = "%Y%m%d%H%M%S"  # how NMI writes times: 20250420140000, in UTC


def nmi_event(event: dict[str, Any], received_at: datetime) -> GatewayEvent:
    """Transaction and settlement-batch events; other types raise UnsupportedEvent."""
    try:
        kind, body, event_id = event["event_type"], event["event_body"], str(event["event_id"])
    except (KeyError, TypeError) as error:
        raise PayloadError(f"NMI webhook without {error}.") from None
    mapping = NMI_EVENTS.get(kind)
    if mapping is None:
        raise UnsupportedEvent(f"NMI event type '{kind}' is not tracked.")
    try:
        read = _batch_fields if kind.startswith("settlement.") else _transaction_fields
        fields = read(body)
    except (KeyError, TypeError, ValueError) as error:
        raise PayloadError(f"NMI {kind} event without a usable {error}.") from None
    if fields["kind"] == "payment" and fields["amount_minor"] <= 0:
        # Signed or not, a sale or refund of zero or less would be a wrong payment everywhere.
        raise PayloadError(
            f"NMI {kind} event with amount {fields['amount_minor']}: it must be above zero."
        )
    if kind.startswith("transaction.refund."):
        # An NMI refund is its own transaction; the server links it to the sale, if at all.
        fields.update(kind="refund", refunded_minor=fields["amount_minor"])
    return GatewayEvent(
        gateway="nmi",
        event_id=event_id,
        status=mapping.status,
        settlement=mapping.settlement,
        raw_status=kind,
        occurred_at=fields.pop("occurred_at") or received_at,
        **fields,
    )


def _transaction_fields(body: dict[str, Any]) -> dict[str, Any]:
    action = body.get("action") or {}
    currency = str(body.get("currency") or "USD").upper()
    amount = action.get("amount") or body.get("requested_amount") or "0"
    success = str(action.get("success", "1")) == "1"
    return {
        "kind": "payment",
        "external_id": str(body["transaction_id"]),
        "amount_minor": minor_from_text(amount, currency),
        "currency": currency,
        "account_number": _account_number(body),
        "occurred_at": parse_nmi_date(action.get("date")),
        "decline_code": None if success else (action.get("response_code") or None),
        "last4": _last4((body.get("card") or {}).get("cc_number")),
    }


def _batch_fields(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "batch",
        "external_id": str(body.get("batch_id") or body["id"]),
        "amount_minor": 0,
        "currency": str(body.get("currency") or "USD").upper(),
        "account_number": None,
        "occurred_at": parse_nmi_date(body.get("batch_date") or body.get("date")),
    }


def _account_number(body: dict[str, Any]) -> str | None:
    """Our charges carry the account in merchant defined field 1 (the order id is our
    idempotency key); payments taken elsewhere, e.g. a hosted page, put it in the order id."""
    defined = body.get("merchant_defined_fields") or {}
    return defined.get("1") or body.get("order_id") or None


def parse_nmi_date(text: object) -> datetime | None:
    if not text:
        return None
    return datetime.strptime(str(text), NMI_DATE).replace(tzinfo=UTC)


def _last4(masked: object) -> str | None:
    """NMI masks card numbers as 4xxxxxxxxxxx1111; keep only the last four digits."""
    digits = str(masked or "")[-4:]
    return digits if len(digits) == 4 and digits.isdigit() else None
