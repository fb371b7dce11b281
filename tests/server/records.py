"""Reference rows and counter records for server tests, shaped as the counter sends them."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from sync.server import reference
from tests.server.live import Counter

SAMPLE_BILL_MINOR = 14550


@dataclass(frozen=True)
class Sample:
    consumer_id: uuid.UUID
    bill_id: uuid.UUID  # INV-2025-001234, 145.50
    service_charge_id: uuid.UUID  # SC-2025-000001, 25.00


def load_sample(engine: Engine) -> Sample:
    sample = Sample(uuid.uuid4(), uuid.uuid4(), uuid.uuid4())
    rows = {
        "consumer": [
            {
                "id": sample.consumer_id,
                "account_number": "WU-10001",
                "name": "John Doe",
                "service_address": "123 Main Street, Cityville",
                "phone": "(555) 123-4567",
                "email": "john.doe@example.com",
                "timezone": "America/New_York",
                "segment": "Residential",
                "status": "Active",
                "created_at": "2024-01-01T00:00:00+00:00",
            }
        ],
        "bill": [
            {
                "id": sample.bill_id,
                "consumer_id": sample.consumer_id,
                "invoice_number": "INV-2025-001234",
                "period_label": "Mar 2025",
                "amount_minor": SAMPLE_BILL_MINOR,
                "issued_on": "2025-03-31",
                "due_date": "2025-04-15",
            }
        ],
        "service_charge": [
            {
                "id": sample.service_charge_id,
                "consumer_id": sample.consumer_id,
                "reference": "SC-2025-000001",
                "description": "Late Fee",
                "amount_minor": 2500,
                "service_date": "2025-04-01",
            }
        ],
    }
    reference.put(engine, rows, datetime.now(UTC))
    return sample


def payment(
    counter: Counter,
    sample: Sample,
    seq: int,
    amount_minor: int = 14550,
    *,
    bill_id: uuid.UUID | None = None,
    consumer_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """A pushed payment record (outbox id, entity, payload) paying the sample bill. As on a
    counter, what the sample bill cannot take (above its 145.50) is kept as overpaid credit."""
    payment_id = uuid.uuid4()
    code = counter.code
    allocated = amount_minor if bill_id else min(amount_minor, SAMPLE_BILL_MINOR)
    payload = {
        "id": str(payment_id),
        "terminal_id": str(counter.terminal_id),
        "payment_number": f"PAY-2025-{code}-{seq:06d}",
        "transaction_number": f"TXN-2025-{code}-{seq:06d}",
        "receipt_number": f"R-{code}-{seq:04d}",
        "consumer_id": str(consumer_id or sample.consumer_id),
        "payment_type": "Bill",
        "channel": "Walk-in",
        "method": "Cash",
        "currency": "USD",
        "amount_minor": amount_minor,
        "tendered_minor": amount_minor,
        "change_minor": 0,
        "overpaid_minor": amount_minor - allocated,
        "payment_date": "2025-04-20",
        "recorded_at": "2025-04-20T14:00:00+00:00",
        "recorded_by": str(uuid.uuid4()),
        "status": "Posted",
        "notes": None,
        "allocations": [
            {
                "id": str(uuid.uuid4()),
                "bill_id": str(bill_id or sample.bill_id),
                "service_charge_id": None,
                "installment_id": None,
                "amount_minor": allocated,
                "reversal_of": None,
            }
        ],
    }
    return record("payment", payment_id, payload)


def record(entity: str, entity_id: uuid.UUID, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "entity": entity,
        "entity_id": str(entity_id),
        "payload": payload,
        "created_at": "2025-04-20T14:00:01+00:00",
    }


def outcomes(answer: dict[str, Any]) -> list[str]:
    return [result["outcome"] for result in answer["results"]]
