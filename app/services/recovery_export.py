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
ROW_GROUP = 100_000  # rows per Parquet row group: what the writer buffers before it flushes
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# A column's kind, named without Arrow's types: arro3 is imported only when a Parquet file is
# written, not at every start of the CLI.
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
    from arro3.core import Array, DataType, Field, RecordBatch, RecordBatchReader, Schema
    from arro3.io import write_parquet

    arrow: dict[Kind, DataType] = {
        "string": DataType.string(),
        "int64": DataType.int64(),
        "float64": DataType.float64(),
        "bool": DataType.bool(),
        "timestamp": DataType.timestamp("us", tz="UTC"),
    }
    schema = Schema(
        [Field(n, arrow[kind], nullable=True) for n, kind in zip(names, types, strict=True)]
    )
    count = 0
    failed: list[Exception] = []

    def column(values: list[Any], kind: Kind) -> Array:
        if kind != "timestamp":
            return Array(values, type=arrow[kind])
        # arro3 builds no timestamps from datetimes: microseconds since the epoch, then cast.
        micros = [None if v is None else _micros(v) for v in values]
        return Array(micros, type=arrow["int64"]).cast(arrow["timestamp"])

    def record_batches() -> Iterator[RecordBatch]:
        nonlocal count
        try:
            for rows in batches:
                if rows:
                    columns = zip(*rows, strict=True)
                    arrays = [column(list(c), k) for c, k in zip(columns, types, strict=True)]
                    yield RecordBatch.from_arrays(arrays, schema=schema)
                count += len(rows)
        except Exception as error:
            # The writer (Rust) reports it as a bare Exception with the text only: keep the
            # original (a database error, a value of the wrong type) to raise it as it was.
            failed.append(error)
            raise

    # The reader pulls one batch at a time while the writer encodes it, and a row group
    # goes to the file every ROW_GROUP rows: the export never holds the table in memory.
    reader = RecordBatchReader.from_batches(schema, record_batches())
    try:
        write_parquet(reader, path, compression="snappy", max_row_group_size=ROW_GROUP)
    except Exception:
        if failed:
            raise failed[0] from None
        raise
    return count


def _micros(moment: datetime) -> int:
    """Microseconds since the epoch; a naive time is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - EPOCH) // timedelta(microseconds=1)
