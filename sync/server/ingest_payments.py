"""A pushed payment: checked by the shared record rules, its numbers by the terminal's series,
its allocations against the items they settle; then stored and the paid bills re-summed."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, select
from sqlalchemy.dialects.postgresql import insert

from app.domain.payments import PaymentStatus
from app.domain.record_rules import TARGETS, check_payment
from sync.server.bulk_sql import among
from sync.server.feed import NewChange
from sync.server.flags import raise_flag
from sync.server.incoming import Incoming, Projected, insert_unique, obey, same_subject
from sync.server.records import AlreadyStored, PaymentIn, Rejected, parse
from sync.server.tables import (
    bills,
    consumers,
    installments,
    payment_allocations,
    payment_plans,
    payments,
    service_charges,
)
from sync.server.trust import require_own_series

# A counter records a payment Posted (Pending is kept for methods that settle later); a void is
# its own record, so a payment never arrives already voided.
NEW_STATUSES = (PaymentStatus.POSTED.value, PaymentStatus.PENDING.value)
ITEM_TABLES: dict[str, Table] = {
    "bill_id": bills,
    "service_charge_id": service_charges,
    "installment_id": installments,
}


def store_payment(incoming: Incoming) -> Projected:
    conn, payload = incoming.connection, incoming.payload
    payment = parse(PaymentIn, payload)
    same_subject(incoming, payment.id)
    if payment.terminal_id != incoming.terminal.id:
        raise Rejected("the payment was recorded by another terminal")
    if conn.scalar(select(consumers.c.id).where(consumers.c.id == payment.consumer_id)) is None:
        raise Rejected(f"unknown consumer {payment.consumer_id}")
    currency = incoming.settings().currency
    obey(check_payment, payload, currency=currency, now=incoming.now)
    if payment.status not in NEW_STATUSES:
        raise Rejected(f"a payment arrives Posted or Pending, not {payment.status}")
    require_own_series(incoming, series_numbers(payment))
    limits = _item_amounts(conn, payment, payload)
    obey(check_payment, payload, currency=currency, now=incoming.now, item_limits=limits)
    data = stored_data(incoming, payload)
    statement = (
        insert(payments)
        .values(**payment_values(payment, data, incoming.now))
        .on_conflict_do_nothing(index_elements=["id"])
    )
    if not insert_unique(conn, statement, _columns(payment)):
        stored = conn.scalar(select(payments.c.data).where(payments.c.id == payment.id))
        raise AlreadyStored(same=stored == data)
    bill_ids = sorted({a.bill_id for a in payment.allocations if a.bill_id})
    lock_bills(conn, bill_ids)
    for allocation in payment.allocations:
        conn.execute(
            insert(payment_allocations).values(**allocation.model_dump(), payment_id=payment.id)
        )
    flagged = [change for bill_id in bill_ids for change in _check_bill(incoming, bill_id)]
    changes = [NewChange("payment", str(payment.id), data), *flagged]
    return Projected(["overpayment"] if flagged else [], changes)


def stored_data(incoming: Incoming, payload: dict[str, Any]) -> dict[str, Any]:
    """The payment as the server keeps it and publishes it on the feed."""
    return {
        **payload,
        "source": "counter",
        "verification": payload.get("verification", "Verified"),
        "settlement_status": payload.get("settlement_status", "N/A"),
        "terminal_code": incoming.terminal.code,
    }


def payment_values(payment: PaymentIn, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "id": payment.id,
        "terminal_id": payment.terminal_id,
        "payment_number": payment.payment_number,
        "transaction_number": payment.transaction_number,
        "receipt_number": payment.receipt_number,
        "consumer_id": payment.consumer_id,
        "amount_minor": payment.amount_minor,
        "currency": payment.currency,
        "status": payment.status,
        "verification": data["verification"],
        "settlement_status": data["settlement_status"],
        "source": "counter",
        "data": data,
        "received_at": now,
        "updated_at": now,
    }


def series_numbers(payment: PaymentIn) -> dict[str, str]:
    return {
        "payment": payment.payment_number,
        "transaction": payment.transaction_number,
        "receipt": payment.receipt_number,
    }


def _columns(payment: PaymentIn) -> dict[str, str]:
    return {f"{series}_number": number for series, number in series_numbers(payment).items()}


def _item_amounts(conn: Connection, payment: PaymentIn, payload: dict[str, Any]) -> dict[str, int]:
    """Each allocated item's amount: the most one allocation may put on it. An item that does
    not exist, or is another consumer's, is refused here."""
    column = TARGETS[str(payload["payment_type"])]
    table = ITEM_TABLES[column]
    words = table.name.rstrip("s").replace("_", " ")
    amounts: dict[str, int] = {}
    for allocation in payment.allocations:
        item_id = getattr(allocation, column)
        row = conn.execute(
            select(table.c.amount_minor, item_owner(table).label("consumer_id")).where(
                table.c.id == item_id
            )
        ).first()
        if row is None:
            raise Rejected(f"unknown {words} {item_id}")
        if row.consumer_id != payment.consumer_id:
            raise Rejected(f"{words} {item_id} is another consumer's")
        amounts[str(item_id)] = int(row.amount_minor)
    return amounts


def item_owner(table: Table) -> Any:
    if table is installments:
        return (
            select(payment_plans.c.consumer_id)
            .where(payment_plans.c.id == installments.c.plan_id)
            .scalar_subquery()
        )
    return table.c.consumer_id


def lock_bills(conn: Connection, bill_ids: list[uuid.UUID]) -> None:
    """Lock the paid bills (in id order, so two pushes never wait on each other in a circle)
    before anything references them: pushes paying the same bill are then summed one after the
    other and the second always sees the first. FOR NO KEY UPDATE, because a plain FOR UPDATE
    would also wait for the key-share locks that other pushes' allocation foreign keys hold."""
    if bill_ids:
        conn.execute(
            select(bills.c.id)
            .where(among(bills.c.id, bill_ids))
            .order_by(bills.c.id)
            .with_for_update(key_share=True)
        ).all()


def _check_bill(incoming: Incoming, bill_id: uuid.UUID) -> list[NewChange]:
    """Flag a bill paid beyond its amount (e.g. at two counters while both were offline).

    Only positive allocations count: a negative one (stored before the server checked them)
    must never hide a real overpayment."""
    conn = incoming.connection
    bill = conn.execute(
        select(bills.c.amount_minor, bills.c.data).where(bills.c.id == bill_id)
    ).one()
    paid_rows = conn.execute(
        select(
            payments.c.id,
            payments.c.receipt_number,
            payments.c.terminal_id,
            payment_allocations.c.amount_minor,
        )
        .join(payments, payments.c.id == payment_allocations.c.payment_id)
        .where(
            payment_allocations.c.bill_id == bill_id,
            payment_allocations.c.amount_minor > 0,
            payments.c.status != PaymentStatus.VOIDED.value,
        )
        .order_by(payments.c.received_at, payments.c.id)
    ).all()
    paid = sum(row.amount_minor for row in paid_rows)
    if paid <= bill.amount_minor:
        return []
    detail = {
        "bill_id": str(bill_id),
        "invoice_number": bill.data.get("invoice_number"),
        "consumer_id": bill.data.get("consumer_id"),
        "amount_minor": bill.amount_minor,
        "paid_minor": paid,
        "overpaid_minor": paid - bill.amount_minor,
        "payments": [
            {
                "payment_id": str(r.id),
                "receipt_number": r.receipt_number,
                "terminal_id": str(r.terminal_id) if r.terminal_id else None,
                "amount_minor": r.amount_minor,
            }
            for r in paid_rows
        ],
        "reason": "the bill was paid more than once (for example at two counters while offline)",
    }
    return [raise_flag(conn, "overpayment", f"bill:{bill_id}", detail, incoming.now)]
