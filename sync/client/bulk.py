"""Upsert many rows at once: executemany into a temp table, then one INSERT ... SELECT ...
ON CONFLICT DO UPDATE. Row-by-row ORM upserts run every FTS trigger and a statement per row;
this runs one statement, and updates only rows whose values really changed (so the search
index is not rewritten for a consumer whose name did not change)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, MetaData, Table, insert
from sqlalchemy.engine import Connection

from sync.client import courtesy


def _scratch(connection: Connection, table: Table) -> Table:
    name = f"sync_scratch_{table.name}"
    connection.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {name} AS SELECT * FROM main.{table.name} WHERE 0"
    )
    connection.exec_driver_sql(f"DELETE FROM {name}")
    # The same column types as the real table, so values are bound exactly as the ORM does.
    return Table(name, MetaData(), *(Column(c.name, c.type) for c in table.columns))


def bulk_upsert(
    connection: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    update: Sequence[str] | None = None,
    key: str = "id",
    unique: str | None = None,
) -> list[str]:
    """Insert new rows; for existing keys set `update` columns (all but the key when None;
    nothing at all when empty). Rows whose `unique` column (an account or invoice number)
    belongs to another local row are left out, and their values returned."""
    if not rows:
        return []
    scratch = _scratch(connection, table)
    connection.execute(insert(scratch), list(rows))
    return _merge(connection, table, scratch.name, update=update, key=key, unique=unique)


def bulk_upsert_values(
    connection: Connection,
    table: Table,
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    unique: str | None = None,
) -> list[str]:
    """bulk_upsert for rows already shaped as SQLite parameters, one value per column of
    `table` in `names` order (sync.client.bulk_rows): a catch-up of 100,000 changes spends no
    Python call per value."""
    if not rows:
        return []
    scratch = _scratch(connection, table)
    marks = ", ".join("?" * len(names))
    connection.exec_driver_sql(
        f"INSERT INTO {scratch.name} ({', '.join(names)}) VALUES ({marks})", list(rows)
    )
    courtesy.checkpoint()  # between the two statements, the cashier may go first
    return _merge(connection, table, scratch.name, update=None, key="id", unique=unique)


def _merge(
    connection: Connection,
    table: Table,
    scratch: str,
    *,
    update: Sequence[str] | None,
    key: str,
    unique: str | None,
) -> list[str]:
    clashes: list[str] = []
    if unique is not None:
        held = (
            f"FROM main.{table.name} AS held WHERE held.{unique} = {scratch}.{unique} "
            f"AND held.{key} IS NOT {scratch}.{key}"
        )
        clashes = [
            str(v)
            for (v,) in connection.exec_driver_sql(
                f"SELECT {unique} FROM {scratch} WHERE EXISTS (SELECT 1 {held})"
            )
        ]
        if clashes:
            connection.exec_driver_sql(f"DELETE FROM {scratch} WHERE EXISTS (SELECT 1 {held})")
    names = [c.name for c in table.columns]
    columns = ", ".join(names)
    targets = [n for n in names if n != key] if update is None else list(update)
    if targets:
        sets = ", ".join(f"{n} = excluded.{n}" for n in targets)
        changed = " OR ".join(f"{table.name}.{n} IS NOT excluded.{n}" for n in targets)
        conflict = f"ON CONFLICT({key}) DO UPDATE SET {sets} WHERE {changed}"
    else:
        conflict = f"ON CONFLICT({key}) DO NOTHING"
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {scratch} "
        f"WHERE true {conflict}"
    )
    connection.exec_driver_sql(f"DELETE FROM {scratch}")
    return clashes
