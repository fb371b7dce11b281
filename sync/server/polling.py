"""Ask the gateways about online payments that are not final yet.

Webhooks get lost, and settlement is reported per batch rather than per payment, so the server
polls what it still holds as Pending or In Progress. Each answer goes through the same
apply_event as a webhook: idempotent by event id and only ever moving a payment forward.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, or_, select

from sync.gateways.adapters.base import GatewayAdapter
from sync.gateways.poll import poll
from sync.server.online import apply_event
from sync.server.tables import payments


@dataclass
class PollSummary:
    asked: int = 0
    moved: list[str] = field(default_factory=list)  # external ids whose status moved forward
    errors: dict[str, str] = field(default_factory=dict)
    down: list[str] = field(default_factory=list)  # gateways that did not answer this round


def unsettled(engine: Engine, gateway: str, limit: int = 1000) -> dict[str, tuple[str, str]]:
    """This gateway's online payments that may still change, oldest first: external id ->
    (status, settlement)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(payments.c.external_id, payments.c.status, payments.c.settlement_status)
            .where(
                payments.c.source == "online",
                payments.c.gateway == gateway,
                or_(
                    payments.c.status == "Pending",
                    payments.c.settlement_status == "In Progress",
                ),
            )
            .order_by(payments.c.received_at)
            .limit(limit)
        )
        return {row.external_id: (row.status, row.settlement_status) for row in rows}


def poll_gateways(
    engine: Engine, adapters: Mapping[str, GatewayAdapter], now: Callable[[], datetime]
) -> PollSummary:
    summary = PollSummary()
    for gateway, adapter in adapters.items():
        before = unsettled(engine, gateway)
        summary.asked += len(before)
        result = poll(adapter, before)
        summary.errors.update(result.errors)
        if result.gateway_down:
            summary.down.append(gateway)
        for event in result.events:
            applied = apply_event(engine, event, now())
            if (applied.status, applied.settlement) != before.get(event.external_id):
                summary.moved.append(event.external_id)
    return summary
