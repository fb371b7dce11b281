"""Failed payments the gateways report (webhooks, polling) as recovery intake."""

import logging
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Engine

from app.services.recovery_intake import Failure, IntakeReport, intake
from app.services.recovery_portfolio import CaseRow
from sync.gateways.adapters.base import GatewayAdapter
from sync.gateways.errors import GatewayError
from sync.gateways.events import GatewayEvent
from sync.gateways.razorpay_events import RecurringFailure

log = logging.getLogger(__name__)

FAILED = "Failed"


def failure_from_event(
    event: GatewayEvent, *, method: str = "card", network: str = "", instrument: str = ""
) -> Failure | None:
    """A failed payment as a case; None for any other event (settled, refunded, pending)."""
    if event.kind != "payment" or event.status != FAILED:
        return None
    row = CaseRow(
        case_id=event.external_id,
        consumer_id=event.account_number or f"{event.gateway}:unknown",
        amount_minor=event.amount_minor,
        currency=event.currency,
        method=method,
        gateway=event.gateway,
        network=network,
        card_type="",
        failed_at=event.occurred_at,
        code=event.decline_code or "",
        advice_code="",
        product="bill",
        due_date=None,
    )
    return Failure(row, instrument, external_id=event.external_id)


def failure_from_recurring(failure: RecurringFailure) -> Failure:
    """A failed e-NACH debit or UPI AutoPay execution as a case on its mandate."""
    row = CaseRow(
        case_id=failure.external_id,
        consumer_id=failure.account_number or "razorpay:unknown",
        amount_minor=failure.amount_minor,
        currency=failure.currency,
        method=failure.method,
        gateway="razorpay",
        network="",
        card_type="",
        failed_at=failure.occurred_at,
        code=failure.code,
        advice_code="",
        product="bill",
        due_date=None,
    )
    return Failure(row, failure.instrument, external_id=failure.external_id)


def intake_events(engine: Engine, source: str, events: list[GatewayEvent]) -> IntakeReport:
    """Cases for the failures among `events` (from a webhook or a poll), each exactly once."""
    failures = [f for f in map(failure_from_event, events) if f is not None]
    return intake(engine, source, failures)


def intake_failed_since(
    engine: Engine, adapters: Mapping[str, GatewayAdapter], since: datetime
) -> dict[str, int]:
    """Ask each gateway for the sales that failed since `since` (NMI's query.php with
    condition=failed, Stripe's failed PaymentIntents) and open a case for each new one.
    Windows may overlap: the intake is idempotent by the gateway's payment id. A gateway
    that does not answer is skipped this round (-1 in the result), never taken as "none"."""
    opened: dict[str, int] = {}
    for name, adapter in adapters.items():
        try:
            events = adapter.list_failed(since)
        except GatewayError as error:
            log.warning("%s did not list its failed payments: %s", name, error)
            opened[name] = -1
            continue
        opened[name] = len(intake_events(engine, "gateway", events).added)
    return opened
