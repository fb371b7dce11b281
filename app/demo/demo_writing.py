"""Writing the demo's made-up rows: references and receipt numbers given in time order, then
every table bulk-inserted through a staging table (raw SQL, for speed)."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, select, text
from sqlalchemy.orm import Session

from app.db.tables import Consumer, NumberSequence
from app.db.unit_of_work import TerminalRef
from app.domain.settings import Settings

Rows = dict[str, list[dict[str, Any]]]  # a table's name: its rows, as column: value


def insert_rows(session: Session, tables: Sequence[str], rows: Rows) -> None:
    """`tables` in order, parents before children."""
    connection = session.connection()
    cache_size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql("PRAGMA cache_size = -262144")  # 256 MiB for the indexes
    try:
        for name in tables:
            if rows.get(name):
                bulk_insert(session, Consumer.metadata.tables[name], rows[name])
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache_size or -2000)}")


def number_references(session: Session, rows: Rows) -> None:
    """INV-/SC-/PP- numbers per year in date order, stepping over ones already taken."""
    for table, column, on, prefix, width in (
        ("bills", "invoice_number", "issued_on", "INV", 6),
        ("service_charges", "reference", "service_date", "SC", 6),
        ("payment_plans", "plan_number", "created_on", "PP", 4),
    ):
        taken = set(session.scalars(text(f"SELECT {column} FROM {table}")))
        counters: dict[int, int] = defaultdict(int)
        for row in sorted(rows.get(table, []), key=lambda r: r[on]):
            year = row[on].year
            while row[column] is None or row[column] in taken:
                counters[year] += 1
                row[column] = f"{prefix}-{year}-{counters[year]:0{width}d}"


def number_series(session: Session, terminal: TerminalRef, settings: Settings, rows: Rows) -> None:
    """Render numbers in time order; leave each sequence at the highest value it used."""
    mine = select(NumberSequence).where(NumberSequence.terminal_id == terminal.id)
    last = {(s.series, s.period): s.last_value for s in session.scalars(mine)}
    for table, moment, day, series_list in (
        ("payments", "recorded_at", "payment_date", ("payment", "transaction", "receipt")),
        ("credit_notes", "created_at", "created_on", ("credit_note",)),
    ):
        formats = {series: settings.number_format(series) for series in series_list}
        listed = rows.setdefault(table, [])
        listed.sort(key=lambda r: r[moment])  # numbers and rowids follow time
        for row in listed:
            for series, fmt in formats.items():
                key = (series, fmt.period(row[day]))
                last[key] = last.get(key, 0) + 1
                column = "number" if series == "credit_note" else f"{series}_number"
                row[column] = fmt.render(
                    sequence=last[key], terminal_code=terminal.code, on=row[day]
                )
    if not last:  # `demo --consumers 0` on a counter with no sample: nothing numbered
        return
    session.execute(
        text(
            "INSERT INTO number_sequences (terminal_id, series, period, last_value) "
            "VALUES (:terminal_id, :series, :period, :value) "
            "ON CONFLICT (terminal_id, series, period) "
            "DO UPDATE SET last_value = max(last_value, excluded.last_value)"
        ),
        [
            {"terminal_id": terminal.id.hex, "series": s, "period": p, "value": v}
            for (s, p), v in last.items()
        ],
    )


def bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Encode with the columns' own bind processors, then copy in through a temporary table.

    One INSERT ... SELECT runs the search-index triggers inside a single statement; row by
    row, FTS5 would flush its pending index at every statement (about ten times slower).
    """
    dialect = session.get_bind().dialect
    columns = [(c.name, c.type.dialect_impl(dialect).bind_processor(dialect)) for c in table.c]
    values = [
        tuple(
            row.get(name) if encode is None else encode(row.get(name)) for name, encode in columns
        )
        for row in rows
    ]
    connection = session.connection()
    staging = f"temp.demo_{table.name}"
    connection.exec_driver_sql(f"CREATE TABLE {staging} AS SELECT * FROM main.{table.name} WHERE 0")
    names = ", ".join(name for name, _ in columns)
    marks = ", ".join("?" for _ in columns)
    connection.exec_driver_sql(f"INSERT INTO {staging} ({names}) VALUES ({marks})", values)
    connection.exec_driver_sql(
        f"INSERT INTO main.{table.name} ({names}) SELECT {names} FROM {staging}"
    )
    connection.exec_driver_sql(f"DROP TABLE {staging}")
