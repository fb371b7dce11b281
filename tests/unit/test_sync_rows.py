"""A pulled change's JSON becomes a row of the counter's table: typed, defaulted, or refused."""

import uuid
from datetime import UTC, date, datetime

import pytest

from app.db.tables import Bill, Consumer
from sync.client.rows import BadChange, row_for


def test_json_text_becomes_typed_values_and_missing_optional_columns_take_defaults():
    row = row_for(
        Consumer.__table__,
        {
            "id": "01a2087d-1b66-78d2-951a-860502440637",
            "account_number": "WU-10001",
            "name": "John Doe",
            "service_address": "123 Main Street",
            "timezone": "America/New_York",
            "created_at": "2025-04-20T14:00:00",
            "a_column_from_a_newer_server": "ignored",
        },
    )
    assert row["id"] == uuid.UUID("01a2087d-1b66-78d2-951a-860502440637")
    assert row["created_at"] == datetime(2025, 4, 20, 14, 0, tzinfo=UTC)
    assert (row["segment"], row["status"], row["phone"]) == ("Residential", "Active", None)
    assert "a_column_from_a_newer_server" not in row


def test_dates_and_amounts_are_converted_and_a_missing_amount_is_refused():
    data = {
        "id": str(uuid.uuid4()),
        "consumer_id": str(uuid.uuid4()),
        "invoice_number": "INV-1",
        "period_label": "Mar 2025",
        "amount_minor": "14550",
        "issued_on": "2025-03-31",
        "due_date": "2025-04-15",
    }
    row = row_for(Bill.__table__, data)
    assert (row["amount_minor"], row["due_date"]) == (14550, date(2025, 4, 15))
    with pytest.raises(BadChange, match="amount_minor"):
        row_for(Bill.__table__, {**data, "amount_minor": None})
    with pytest.raises(BadChange, match="due_date"):
        row_for(Bill.__table__, {**data, "due_date": "soon"})
