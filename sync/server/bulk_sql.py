"""SQL for a push of many records: rows in with COPY, and "one of these ids" as one array.

A counter back online pushes 100,000 payments. An executemany of INSERTs sends and plans a
statement per row and serialises every JSON column through SQLAlchemy's type machinery; COPY
streams the rows in one command, inside the caller's transaction, under the same rules as an
INSERT (constraints, foreign keys, defaults): a clash still raises - as psycopg's error, which
callers treat as a DBAPIError. And `id IN (500 parameters)` is a new query text for every
batch size, parsed again each time; `id = ANY(array)` is one statement, prepared once.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Column, ColumnElement, Connection, Table, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

COPY_FROM = 50  # fewer rows: a plain INSERT is as quick and keeps SQLAlchemy's errors


def copy_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (dicts keyed by column name; every row the same keys) into `table`."""
    if not rows:
        return
    names = list(rows[0])
    as_json = {n for n in names if isinstance(table.c[n].type, JSONB)}
    columns = ", ".join(f'"{n}"' for n in names)
    cursor = cast(Any, conn.connection.driver_connection).cursor()
    with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in _values(rows, names, as_json):
            copy.write_row(row)


def _values(
    rows: Iterable[Mapping[str, Any]], names: list[str], as_json: set[str]
) -> Iterable[tuple[Any, ...]]:
    # JSON columns as text, None as JSON null: what SQLAlchemy's JSONB binds for the same row.
    dumps = json.dumps
    for row in rows:
        yield tuple(dumps(row[n]) if n in as_json else row[n] for n in names)


def among(column: Column[Any], values: Iterable[Any]) -> ColumnElement[bool]:
    """`column = ANY(:values)`: the values travel as one array parameter."""
    return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
