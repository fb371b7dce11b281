"""Online payments from the gateways: one row per gateway transaction, moved only forward.

An event is applied once (gateway_events keyed by the gateway's event id); the payment's state
is the join of everything seen so far (sync.gateways.status.advance), so late, repeated and
out-of-order deliveries all end in the same state. The payment is published on the feed like a
counter's, with source "online", received by "System" and verification "Pending" until a
supervisor verifies it on a counter.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.dialects.postgresql import insert

from app.domain.ids import new_id
from app.domain.record_rules import RecordInvalid, check_payment
from sync.gateways.errors import PayloadError
from sync.gateways.events import GatewayEvent
from sync.gateways.status import advance
from sync.server.feed import NewChange, publish
from sync.server.incoming import server_settings
from sync.server.tables import consumers, gateway_events, payments


@dataclass(frozen=True)
class Applied:
    external_id: str
    status: str
    settlement: str
    duplicate: bool


def apply_event(engine: Engine, event: GatewayEvent, now: datetime) -> Applied:
    with engine.begin() as conn:
        fresh = (
            conn.execute(
                insert(gateway_events)
                .values(
                    gateway=event.gateway,
                    event_id=event.event_id,
                    external_id=event.external_id,
                    status=event.raw_status,
                    occurred_at=event.occurred_at,
                    received_at=now,
                )
                .on_conflict_do_nothing()
                .returning(gateway_events.c.event_id)
            ).first()
            is not None
        )
        row = conn.execute(
            select(payments.c.id, payments.c.status, payments.c.settlement_status, payments.c.data)
            .where(payments.c.gateway == event.gateway, payments.c.external_id == event.external_id)
            .with_for_update()
        ).first()
        if not fresh and row is not None:
            return Applied(event.external_id, row.status, row.settlement_status, True)
        data = _new_payment(conn, event, now) if row is None else _advanced(conn, row, event, now)
        publish(conn, [NewChange("payment", data["id"], data)], now)
    return Applied(event.external_id, data["status"], data["settlement_status"], not fresh)


def _new_payment(conn: Connection, event: GatewayEvent, now: datetime) -> dict[str, Any]:
    status, settlement = advance("Pending", "N/A", event)
    consumer_id = None
    if event.account_number:
        consumer_id = conn.scalar(
            select(consumers.c.id).where(consumers.c.account_number == event.account_number)
        )
    payment_id = new_id()
    data: dict[str, Any] = {
        "id": str(payment_id),
        "source": "online",
        "gateway": event.gateway,
        "external_id": event.external_id,
        "consumer_id": str(consumer_id) if consumer_id else None,
        "account_number": event.account_number,
        "payment_type": "Bill",
        "channel": "Online",
        "method": "Online",
        "currency": event.currency,
        "amount_minor": event.amount_minor,
        "status": status,
        "settlement_status": settlement,
        "verification": "Pending",
        "received_by": "System",
        "payment_date": event.occurred_at.date().isoformat(),
        "recorded_at": event.occurred_at.isoformat(),
        "settled_at": now.isoformat() if settlement == "Settled" else None,
        "raw_status": event.raw_status,
        "last4": event.last4,
        "decline_code": event.decline_code,
        "refunded_minor": event.refunded_minor,
        "allocations": [],
    }
    try:  # the rules a counter's payment passes; an online one breaking them is never stored
        check_payment(data, currency=server_settings(conn).currency, now=now)
    except RecordInvalid as invalid:
        raise PayloadError(f"The {event.gateway} event is refused: {invalid.reason}.") from None
    conn.execute(
        insert(payments).values(
            id=payment_id,
            terminal_id=None,
            consumer_id=consumer_id,
            amount_minor=event.amount_minor,
            currency=event.currency,
            status=status,
            verification="Pending",
            settlement_status=settlement,
            source="online",
            gateway=event.gateway,
            external_id=event.external_id,
            data=data,
            received_at=now,
            updated_at=now,
        )
    )
    return data


def _advanced(conn: Connection, row: Any, event: GatewayEvent, now: datetime) -> dict[str, Any]:
    status, settlement = advance(row.status, row.settlement_status, event)
    data = dict(row.data)
    moved = (status, settlement) != (row.status, row.settlement_status)
    data |= {"status": status, "settlement_status": settlement}
    if moved:
        data["raw_status"] = event.raw_status
    if settlement == "Settled" and not data.get("settled_at"):
        data["settled_at"] = now.isoformat()
    data["refunded_minor"] = max(int(data.get("refunded_minor") or 0), event.refunded_minor)
    if event.decline_code and status == "Failed":
        data["decline_code"] = event.decline_code
    conn.execute(
        update(payments)
        .where(payments.c.id == row.id)
        .values(status=status, settlement_status=settlement, data=data, updated_at=now)
    )
    return data
