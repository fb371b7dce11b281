"""GatewayEvent: one thing a gateway told us about one payment, already in our terms."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Status = Literal["Posted", "Pending", "Failed", "Cancelled"]
SettlementStatus = Literal["In Progress", "Settled", "N/A"]
# "payment": about the payment external_id. "refund": an NMI refund, its own transaction.
# "batch": an NMI settlement batch (external_id is the batch id); the server then polls the
# payments it still holds as In Progress, since the batch event does not list them.
Kind = Literal["payment", "refund", "batch"]


@dataclass(frozen=True)
class GatewayEvent:
    gateway: Literal["stripe", "nmi"]
    event_id: str  # the gateway's id of this notification: the webhook idempotency key
    external_id: str  # PaymentIntent id (Stripe) or transaction id (NMI)
    status: Status
    settlement: SettlementStatus
    amount_minor: int
    currency: str  # ISO 4217, upper case
    account_number: str | None  # the consumer account, from metadata / order id
    occurred_at: datetime  # UTC
    raw_status: str  # the gateway's own word (event type or object status), for the audit
    kind: Kind = "payment"
    refunded_minor: int = 0  # total refunded so far, as the gateway reports it
    decline_code: str | None = None  # why it failed, for the recovery engine
    last4: str | None = None  # the card's last four digits; never more of the number
