"""Upsert many rows at once: executemany into a temp table, then one INSERT ... SELECT ...
ON CONFLICT DO UPDATE. Row-by-row ORM upserts run every FTS trigger and a statement per row;
this runs one statement, and updates only rows whose values really changed (so the search
index is not rewritten for a consumer whose name did not change)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, MetaData, Table, insert
from sqlalchemy.engine import Connection


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
    clashes: list[str] = []
    if unique is not None:
        held = (
            f"FROM main.{table.name} AS held WHERE held.{unique} = {scratch.name}.{unique} "
            f"AND held.{key} IS NOT {scratch.name}.{key}"
        )
        clashes = [
            str(v)
            for (v,) in connection.exec_driver_sql(
                f"SELECT {unique} FROM {scratch.name} WHERE EXISTS (SELECT 1 {held})"
            )
        ]
        if clashes:
            connection.exec_driver_sql(f"DELETE FROM {scratch.name} WHERE EXISTS (SELECT 1 {held})")
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
        f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {scratch.name} "
        f"WHERE true {conflict}"
    )
    connection.exec_driver_sql(f"DELETE FROM {scratch.name}")
    return clashes
