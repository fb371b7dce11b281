"""What a real counter writes to its outbox is what the server stores (no hand-made payloads)."""

import json
from datetime import UTC, datetime

from sqlalchemy import select

from app.db.tables import OutboxRecord
from app.services.record_payment import PaymentRequest, record_payment
from app.services.reference_export import export_reference
from app.services.void_payment import void_payment
from sync.server import reference
from sync.server.tables import credit_notes, payments


def _outbox(db) -> list[dict]:
    with db.read() as uow:
        rows = uow.session.scalars(select(OutboxRecord).order_by(OutboxRecord.seq)).all()
        return [
            {
                "id": str(row.id),
                "entity": row.entity,
                "entity_id": str(row.entity_id),
                "payload": json.loads(row.payload_json),
                "created_at": row.created_at.isoformat(),
            }
            for row in rows
        ]


def test_a_counter_payment_with_credit_and_its_void_are_stored_as_the_counter_made_them(server, db):
    reference.put(server.engine, export_reference(db), datetime.now(UTC))
    with db.read() as uow:
        terminal_id = uow.terminal().id
    counter = server.register("T01", terminal_id)
    paid = record_payment(
        db.unit_of_work(),
        PaymentRequest(
            account_number="WU-10001",
            payment_type="Bill",
            items=("INV-2025-001234",),
            method="Cash",
            amount="150.00",
            tendered="150.00",
            username="jsmith",
        ),
    )
    void_payment(
        db.unit_of_work(), receipt=paid.receipt_number, reason="wrong account", username="mbrown"
    )
    records = _outbox(db)
    assert [r["entity"] for r in records][:2] == ["payment", "credit_note"]

    answer = counter.push(records)

    assert {r["outcome"] for r in answer["results"]} == {"stored"}, answer["results"]
    with server.engine.connect() as conn:
        stored = conn.execute(select(payments)).one()
        note = conn.execute(select(credit_notes)).one()
    assert (stored.receipt_number, stored.amount_minor, stored.status) == (
        paid.receipt_number,
        15000,
        "Voided",
    )
    assert note.amount_minor == 450
    assert counter.push(records)["results"][0]["outcome"] == "duplicate_same"
