"""Export recovery records (cases, attempts, messages, decisions) to CSV or Parquet.

For external reporting: money stays integer minor units with its currency beside it, times
are UTC (ISO-8601 in CSV, timestamp[us, UTC] in Parquet). Rows stream from the database in
batches and the file appears only when complete (written beside it, then renamed).
"""

import csv
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import BigInteger, Boolean, Engine, Float, Integer, Select, select

from app.db.base import UtcDateTime
from app.db.recovery_tables import (
    recovery_attempts,
    recovery_cases,
    recovery_decisions,
    recovery_messages,
)
from app.domain.errors import UserFacingError

FORMATS = ("csv", "parquet")
BATCH = 5_000

# A column's kind, named without pyarrow: it is imported only when a Parquet file is written
# (it weighs a tenth of a second at every start of the CLI otherwise).
Kind = Literal["string", "int64", "float64", "bool", "timestamp"]


def _cases() -> Select[Any]:
    c = recovery_cases.c
    return select(
        c.id, c.consumer_id, c.amount_minor, c.recovered_minor, c.currency, c.method,
        c.gateway, c.card_network, c.card_type, c.failed_at, c.code, c.merchant_advice_code,
        c.category, c.product, c.due_date, c.segment, c.status, c.status_reason, c.source,
        c.external_id,
    ).order_by(c.failed_at, c.id)  # fmt: skip


def _attempts() -> Select[Any]:
    a, c = recovery_attempts.c, recovery_cases.c
    return (
        select(
            a.id, a.case_id, a.at, a.amount_minor, c.currency, a.approved, a.code,
            a.merchant_advice_code, a.category, a.state, c.gateway, c.method,
            a.idempotency_key, a.external_id,
        )
        .join(recovery_cases, c.id == a.case_id)
        .order_by(a.at, a.id)
    )  # fmt: skip


def _messages() -> Select[Any]:
    m = recovery_messages.c
    return select(
        m.id, m.case_id, m.consumer_id, m.at, m.channel, m.template, m.payment_link,
        m.urgent, m.accepted, m.error,
    ).order_by(m.at, m.id)  # fmt: skip


def _decisions() -> Select[Any]:
    d, c = recovery_decisions.c, recovery_cases.c
    return (
        select(
            d.id, d.case_id, d.decided_at, d.policy, d.kind, d.act_at, d.amount_minor,
            c.currency, d.reason, d.score, d.channel,
        )
        .join(recovery_cases, c.id == d.case_id)
        .order_by(d.decided_at, d.id)
    )  # fmt: skip


# what: (the query, the column its --from/--to select on)
QUERIES = {
    "cases": (_cases, recovery_cases.c.failed_at),
    "attempts": (_attempts, recovery_attempts.c.at),
    "messages": (_messages, recovery_messages.c.at),
    "decisions": (_decisions, recovery_decisions.c.decided_at),
}


def parse_day(text: str | None, flag: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserFacingError(f"{flag} {text!r} is not a date (YYYY-MM-DD).") from None


def export_records(
    engine: Engine,
    what: str,
    fmt: str,
    out: Path,
    first_day: date | None = None,
    last_day: date | None = None,
) -> int:
    """Write `what` to `out`; days are UTC and both ends are included. Returns the row count."""
    if what not in QUERIES:
        raise UserFacingError(f"Cannot export {what!r}: choose one of {', '.join(QUERIES)}.")
    make_query, when = QUERIES[what]
    query = make_query()
    if first_day is not None:
        query = query.where(when >= datetime.combine(first_day, time(), UTC))
    if last_day is not None:
        query = query.where(when < datetime.combine(last_day + timedelta(days=1), time(), UTC))
    if first_day and last_day and first_day > last_day:
        raise UserFacingError(f"--from {first_day} is after --to {last_day}.")
    names = [column.name for column in query.selected_columns]
    types = [arrow_type(column.type) for column in query.selected_columns]
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True).execute(query)
        batches = (list(rows) for rows in result.partitions(BATCH))
        return write_rows(out, fmt, names, types, batches)


def write_rows(
    out: Path,
    fmt: str,
    names: list[str],
    types: list[Kind],
    batches: Iterator[list[Any]],
) -> int:
    """Write row batches as CSV or Parquet to `out`, atomically; returns the row count."""
    if fmt not in FORMATS:
        raise UserFacingError(f"Unknown format {fmt!r}: choose csv or parquet.")
    if not out.parent.is_dir():
        raise UserFacingError(f"There is no folder {out.parent} to write {out.name} in.")
    partial = out.with_name(f".{out.name}.partial")
    try:
        count = (_write_csv if fmt == "csv" else _write_parquet)(partial, names, types, batches)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return count


def arrow_type(column_type: Any) -> Kind:
    if isinstance(column_type, UtcDateTime):
        return "timestamp"
    if isinstance(column_type, Boolean):
        return "bool"
    if isinstance(column_type, BigInteger | Integer):
        return "int64"
    if isinstance(column_type, Float):
        return "float64"
    return "string"


def _write_csv(
    path: Path, names: list[str], types: list[Kind], batches: Iterator[list[Any]]
) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(names)
        for rows in batches:
            writer.writerows([_csv_cell(v) for v in row] for row in rows)
            count += len(rows)
    return count


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def _write_parquet(
    path: Path, names: list[str], types: list[Kind], batches: Iterator[list[Any]]
) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = {
        "string": pa.string(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "timestamp": pa.timestamp("us", tz="UTC"),
    }
    kinds = [arrow[kind] for kind in types]
    schema = pa.schema(list(zip(names, kinds, strict=True)))
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        for rows in batches:
            if rows:
                columns = zip(*rows, strict=True)
                arrays = [pa.array(list(c), type=t) for c, t in zip(columns, kinds, strict=True)]
                writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            count += len(rows)
    return count
