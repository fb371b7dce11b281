"""Ask the gateways about online payments that are not final yet.

Webhooks get lost, and settlement is reported per batch rather than per payment, so the server
polls what it still holds as Pending or In Progress. Each answer goes through the same
apply_event as a webhook: idempotent by event id and only ever moving a payment forward.
"""

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, or_, select

from sync.gateways.adapters.base import GatewayAdapter
from sync.gateways.poll import poll
from sync.server.online import apply_event
from sync.server.tables import payments
from sync.server.webhooks import EventHook

log = logging.getLogger(__name__)


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
    engine: Engine,
    adapters: Mapping[str, GatewayAdapter],
    now: Callable[[], datetime],
    hooks: Sequence[EventHook] = (),
) -> PollSummary:
    """Ask each gateway about its payments not final yet and apply the answers. The hooks
    (recovery intake) hear each event first: if one fails, the event is not applied, so the
    payment stays unsettled and is asked about again next round - never lost."""
    summary = PollSummary()
    for gateway, adapter in adapters.items():
        before = unsettled(engine, gateway)
        summary.asked += len(before)
        result = poll(adapter, before)
        summary.errors.update(result.errors)
        if result.gateway_down:
            summary.down.append(gateway)
        for event in result.events:
            try:
                for hook in hooks:
                    hook(event)
            except Exception:
                log.exception("A poll hook failed on %s %s", event.gateway, event.external_id)
                summary.errors[event.external_id] = "not recorded for recovery yet"
                continue
            applied = apply_event(engine, event, now())
            if (applied.status, applied.settlement) != before.get(event.external_id):
                summary.moved.append(event.external_id)
    return summary
