"""The port every payment gateway adapter implements, and what its calls return."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sync.gateways.events import GatewayEvent, SettlementStatus, Status


@dataclass(frozen=True)
class ChargeResult:
    """The outcome of a charge or a void. A decline is an outcome, not an error: `approved`
    is False, `status` is Failed and `decline_code` says why (the recovery engine needs it)."""

    external_id: str
    approved: bool
    status: Status
    settlement: SettlementStatus
    amount_minor: int
    currency: str
    message: str  # the gateway's own words, for the cashier and the audit
    decline_code: str | None = None
    last4: str | None = None


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    external_id: str  # the payment refunded
    amount_minor: int
    currency: str
    succeeded: bool  # False while the gateway still reports it pending, or when it failed
    message: str


class GatewayAdapter(Protocol):
    """Charge, refund, void, look up and list failures at one gateway. Amounts are minor units;
    `token` is the gateway's card token - card numbers never reach us."""

    name: str

    def charge(
        self,
        amount_minor: int,
        currency: str,
        token: str,
        reference: str,
        idempotency_key: str,
        *,
        account_number: str | None = None,
    ) -> ChargeResult: ...

    def refund(
        self,
        external_id: str,
        amount_minor: int | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> RefundResult: ...

    def void(self, external_id: str) -> ChargeResult: ...

    def status(self, external_id: str) -> GatewayEvent: ...

    def list_failed(self, since: datetime) -> list[GatewayEvent]: ...


def poll_event_id(gateway: str, external_id: str, raw_status: str) -> str:
    """A stable id for a status learnt by polling: polling the same state twice is one event."""
    return f"poll:{gateway}:{external_id}:{raw_status}"
