"""Gateway statuses mapped to ours (the spec's Settlement Status Mapping), and the rule that an
online payment's status only ever moves forward.

Gateways deliver webhooks late, twice and out of order, and polling can race a webhook, so
the stored state must not depend on arrival order. `advance` therefore takes the higher of the
stored and the reported state on two fixed orders - a join, which is commutative, associative and
idempotent: any permutation of the same events ends in the same state.
"""

from dataclasses import dataclass
from typing import Any

from sync.gateways.events import GatewayEvent, SettlementStatus, Status


@dataclass(frozen=True)
class Mapping:
    """One row of the mapping table: the gateway's word, the label supervisors see for the
    webhook stage, and our payment status and settlement status."""

    gateway_status: str
    webhook_status: str
    status: Status
    settlement: SettlementStatus


def _table(*rows: tuple[str, str, Status, SettlementStatus]) -> dict[str, Mapping]:
    return {row[0]: Mapping(*row) for row in rows}


# Stripe webhook event types (https://docs.stripe.com/api/events/types). The spec's sample:
# Succeeded -> In Settlement -> In Progress; Failed -> Failed -> N/A.
STRIPE_EVENTS = _table(
    ("payment_intent.created", "Created", "Pending", "N/A"),
    ("payment_intent.requires_action", "Awaiting Customer", "Pending", "N/A"),
    ("payment_intent.processing", "Processing", "Pending", "N/A"),
    ("payment_intent.amount_capturable_updated", "Authorized", "Pending", "N/A"),
    ("payment_intent.succeeded", "In Settlement", "Posted", "In Progress"),
    ("payment_intent.payment_failed", "Failed", "Failed", "N/A"),
    ("payment_intent.canceled", "Cancelled", "Cancelled", "N/A"),
    ("charge.pending", "Processing", "Pending", "N/A"),
    ("charge.succeeded", "In Settlement", "Posted", "In Progress"),
    ("charge.captured", "In Settlement", "Posted", "In Progress"),
    ("charge.failed", "Failed", "Failed", "N/A"),
    # A refund never un-posts a payment (money is append-only); it is reported beside it.
    ("charge.refunded", "Refunded", "Posted", "N/A"),
)

# Stripe PaymentIntent.status, as a poll sees it. "succeeded" settles when the charge's
# balance transaction becomes available (see STRIPE_SETTLED).
STRIPE_INTENT_STATUSES = _table(
    ("requires_payment_method", "Awaiting Payment", "Pending", "N/A"),
    ("requires_confirmation", "Awaiting Payment", "Pending", "N/A"),
    ("requires_action", "Awaiting Customer", "Pending", "N/A"),
    ("processing", "Processing", "Pending", "N/A"),
    ("requires_capture", "Authorized", "Pending", "N/A"),
    ("succeeded", "In Settlement", "Posted", "In Progress"),
    ("canceled", "Cancelled", "Cancelled", "N/A"),
)
STRIPE_SETTLED = Mapping("succeeded+available", "Settled", "Posted", "Settled")
# A PaymentIntent back in requires_payment_method after an attempt failed.
STRIPE_FAILED_ATTEMPT = Mapping("requires_payment_method+error", "Failed", "Failed", "N/A")

# NMI webhook event types (Webhooks, "Event Types" in NMI's integration portal).
NMI_EVENTS = _table(
    ("transaction.sale.success", "In Settlement", "Posted", "In Progress"),
    ("transaction.sale.failure", "Failed", "Failed", "N/A"),
    ("transaction.sale.unknown", "Unknown", "Pending", "N/A"),
    ("transaction.auth.success", "Authorized", "Pending", "N/A"),
    ("transaction.auth.failure", "Failed", "Failed", "N/A"),
    ("transaction.auth.unknown", "Unknown", "Pending", "N/A"),
    ("transaction.capture.success", "In Settlement", "Posted", "In Progress"),
    ("transaction.capture.failure", "Capture Failed", "Pending", "N/A"),
    ("transaction.capture.unknown", "Unknown", "Pending", "N/A"),
    ("transaction.void.success", "Voided", "Cancelled", "N/A"),
    ("transaction.void.failure", "Void Failed", "Pending", "N/A"),
    ("transaction.void.unknown", "Unknown", "Pending", "N/A"),
    ("transaction.refund.success", "Refunded", "Posted", "N/A"),
    ("transaction.refund.failure", "Refund Failed", "Pending", "N/A"),
    ("transaction.refund.unknown", "Unknown", "Pending", "N/A"),
    ("settlement.batch.complete", "Settled", "Pending", "Settled"),
    ("settlement.batch.failure", "Settlement Failed", "Pending", "N/A"),
)

# NMI query.php <condition> of a transaction.
NMI_CONDITIONS = _table(
    ("pending", "Authorized", "Pending", "N/A"),
    ("pendingsettlement", "In Settlement", "Posted", "In Progress"),
    ("in_progress", "In Settlement", "Posted", "In Progress"),
    ("complete", "Settled", "Posted", "Settled"),
    ("failed", "Failed", "Failed", "N/A"),
    ("canceled", "Voided", "Cancelled", "N/A"),
    ("abandoned", "Failed", "Failed", "N/A"),
    ("unknown", "Unknown", "Pending", "N/A"),
)

# "Only forward": Pending < Failed < Posted < Cancelled. A failed attempt can be followed by a
# successful one on the same PaymentIntent; a posted NMI sale can still be voided before it
# settles; nothing follows a cancel or a void. Settlement: N/A < In Progress < Settled.
STATUS_ORDER: tuple[Status, ...] = ("Pending", "Failed", "Posted", "Cancelled")
SETTLEMENT_ORDER: tuple[SettlementStatus, ...] = ("N/A", "In Progress", "Settled")


def advance(
    current_status: str, current_settlement: str, event: GatewayEvent
) -> tuple[Status, SettlementStatus]:
    """The payment's state after `event`: never behind where it was, whatever the order."""
    return (
        _later(STATUS_ORDER, current_status, event.status),
        _later(SETTLEMENT_ORDER, current_settlement, event.settlement),
    )


def _later(order: tuple[str, ...], current: str, reported: str) -> Any:
    for value in (current, reported):
        if value not in order:
            raise ValueError(f"Unknown status '{value}'; expected one of {', '.join(order)}.")
    return order[max(order.index(current), order.index(reported))]
