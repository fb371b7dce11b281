"""Reference data the server owns (consumers, bills, service charges, plans, users, settings).

Every write publishes the row on the change feed in the same transaction; a delete publishes a
tombstone (op "delete", no data) so counters remove their copy too. Rows are dicts shaped like
the counter's own tables, with dates and ids as JSON strings.
"""

import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, select
from sqlalchemy.dialects.postgresql import insert

from sync.server.feed import NewChange, publish
from sync.server.tables import (
    bills,
    consumers,
    installments,
    payment_plans,
    service_charges,
    settings,
    users,
)

# entity -> (table, columns kept beside `data` for the server's own rules)
SPECS: dict[str, tuple[Table, tuple[str, ...]]] = {
    "consumer": (consumers, ("account_number",)),
    "bill": (bills, ("consumer_id", "invoice_number", "amount_minor")),
    "service_charge": (service_charges, ("consumer_id", "reference", "amount_minor")),
    "payment_plan": (payment_plans, ("consumer_id", "plan_number")),
    "installment": (installments, ("plan_id", "number", "amount_minor")),
    "user": (users, ("username",)),
}
# Parents before children, so foreign keys hold while loading.
LOAD_ORDER = ("user", "consumer", "bill", "service_charge", "payment_plan", "installment")


def as_json(row: Mapping[str, Any]) -> dict[str, Any]:
    """Ids, dates and times as strings: what goes into `data` and onto the wire."""
    return json.loads(json.dumps(dict(row), default=_plain))


def _plain(value: object) -> str:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def put(
    engine: Engine, rows_by_entity: Mapping[str, Iterable[Mapping[str, Any]]], now: datetime
) -> int:
    """Insert or replace reference rows; returns how many changes were published."""
    with engine.begin() as conn:
        published = put_rows(conn, rows_by_entity, now)
    return published


def put_rows(
    conn: Connection, rows_by_entity: Mapping[str, Iterable[Mapping[str, Any]]], now: datetime
) -> int:
    new: list[NewChange] = []
    for entity in LOAD_ORDER:
        table, columns = SPECS[entity]
        for row in rows_by_entity.get(entity, ()):
            data = as_json(row)
            values = {"id": data["id"], "data": data} | {c: data[c] for c in columns}
            conn.execute(
                insert(table)
                .values(**values)
                .on_conflict_do_update(index_elements=["id"], set_=values)
            )
            new.append(NewChange(entity, data["id"], data))
    for row in rows_by_entity.get("setting", ()):
        new.append(_put_setting(conn, row["key"], row["value"], now))
    publish(conn, new, now)
    return len(new)


def _put_setting(conn: Connection, key: str, value: Any, now: datetime) -> NewChange:
    """A setting's version goes up by one at every change: a counter keeps the higher one."""
    version = (conn.scalar(select(settings.c.version).where(settings.c.key == key)) or 0) + 1
    values = {"key": key, "value": value, "version": version, "updated_at": now}
    conn.execute(
        insert(settings).values(**values).on_conflict_do_update(index_elements=["key"], set_=values)
    )
    return NewChange("setting", key, as_json(values))


def remove(engine: Engine, entity: str, key: str, now: datetime) -> bool:
    """Delete a reference row and publish its tombstone. False when there was no such row."""
    with engine.begin() as conn:
        if entity == "setting":
            gone = conn.execute(delete(settings).where(settings.c.key == key)).rowcount
        else:
            table, _ = SPECS[entity]
            gone = conn.execute(delete(table).where(table.c.id == uuid.UUID(key))).rowcount
        if gone:
            publish(conn, [NewChange(entity, key, None, op="delete")], now)
    return bool(gone)
