"""Rows shaped a column at a time for a first load are exactly what the value-by-value
conversion (the normal apply's rules) stores, whatever form the values come in; a value that
does not fit fails the batch instead of being stored half-converted."""

import uuid
from typing import Any

import pytest
from sqlalchemy.dialects import sqlite

from app.db.tables import Bill, Consumer
from sync.client.bulk_rows import shape_of
from sync.client.rows import BadChange

DIALECT = sqlite.dialect()


def _consumer(**overrides: Any) -> dict[str, Any]:
    row = {
        "id": str(uuid.uuid4()),
        "account_number": f"WU-{uuid.uuid4().int % 10**8}",
        "name": "Jane Doe",
        "service_address": "1 Main St",
        "phone": "(614) 555-2985",
        "email": None,
        "timezone": "America/New_York",
        "segment": "Residential",
        "status": "Active",
        "created_at": "2022-06-18T08:53:24.441712+00:00",
    }
    return row | overrides


def _one_by_one(shape: Any, data: dict[str, Any]) -> tuple[Any, ...]:
    """The reference: every value through its column's single-value conversion."""
    row = list(shape.pick(data))
    for position, fix in shape.fixes:
        row[position] = fix.one(row[position])
    return tuple(row)


def test_a_column_shaped_at_once_matches_the_value_by_value_conversion():
    shape = shape_of(Consumer.__table__, DIALECT)
    same_day = "2024-01-02T03:04:05.000006+00:00"
    datas = [
        _consumer(),
        _consumer(id=str(uuid.uuid4()).upper(), created_at=same_day),  # upper-case id
        _consumer(id="{" + str(uuid.uuid4()) + "}", created_at=same_day),  # braces
        _consumer(id=uuid.uuid4().hex, segment=None, status=None),  # defaults for None
        _consumer(created_at="2024-01-02T05:04:05.000006+02:00"),  # another offset
    ]
    rows = shape.rows(datas)
    assert rows == [_one_by_one(shape, data) for data in datas]
    assert rows[0][0] == datas[0]["id"].replace("-", "")
    assert rows[1][0] == datas[1]["id"].replace("-", "").lower()
    assert rows[3][7:9] == ("Residential", "Active")
    assert rows[4][9] == "2024-01-02 03:04:05.000006"


def test_canonical_ids_are_checked_for_the_whole_column():
    shape = shape_of(Bill.__table__, DIALECT)
    bill = {
        "id": str(uuid.uuid4()),
        "consumer_id": str(uuid.uuid4()),
        "invoice_number": "INV-1",
        "period_label": "Jan",
        "amount_minor": 1_000,
        "issued_on": "2025-01-01",
        "due_date": "2025-01-31",
    }
    two_in_one = str(uuid.uuid4()) + "\n" + str(uuid.uuid4())
    for bad in ("not-an-id", str(uuid.uuid4())[:-1] + "g", two_in_one, 42):
        with pytest.raises(BadChange):
            shape.rows([bill, bill | {"id": bad}])
    with pytest.raises(BadChange):
        shape.rows([bill, bill | {"due_date": "2025-02-30"}])
    with pytest.raises(BadChange):
        shape.rows([bill, {k: v for k, v in bill.items() if k != "invoice_number"}])
    assert shape.rows([bill, bill | {"amount_minor": "250"}])[1][4] == 250
