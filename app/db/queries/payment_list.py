"""The payments table: filters, text search through FTS5, keyset paging newest first."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.orm import Session

from app.db.queries.consumer_search import fts_phrase


@dataclass(frozen=True)
class PageKey:
    """Where the previous page ended: (payment_date, recorded_at, rowid) of its last row."""

    payment_date: str
    recorded_at: str
    rowid: int


@dataclass(frozen=True)
class Filters:
    search: str | None = None
    method: str | None = None
    status: str | None = None
    payment_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    consumer_id: str | None = None  # hex of the consumer's id: one consumer's history
    channel: str | None = None
    recorded_by: str | None = None  # hex of the cashier's user id
    online_only: bool = False  # recorded by nobody at a counter (recorded_by IS NULL)


_SELECT = (
    "SELECT p.rowid AS rowid, p.id, p.receipt_number, c.name AS consumer_name, c.account_number, "
    "p.amount_minor, p.currency, p.method, p.payment_date, p.recorded_at, p.payment_type, "
    "p.status, p.verification, p.channel, u.username AS cashier "
    "FROM payments p JOIN consumers c ON c.id = p.consumer_id "
    "LEFT JOIN users u ON u.id = p.recorded_by"
)


def _where(filters: Filters, params: dict[str, Any]) -> list[str]:
    clauses = []
    for column, value in (
        ("p.method", filters.method),
        ("p.status", filters.status),
        ("p.payment_type", filters.payment_type),
        ("p.channel", filters.channel),
        ("p.recorded_by", filters.recorded_by),
    ):
        if value is not None:
            key = column.split(".")[1]
            clauses.append(f"{column} = :{key}")
            params[key] = value
    if filters.online_only:
        clauses.append("p.recorded_by IS NULL")
    if filters.consumer_id is not None:
        clauses.append("p.consumer_id = :consumer_id")
        params["consumer_id"] = filters.consumer_id
    if filters.date_from is not None:
        clauses.append("p.payment_date >= :date_from")
        params["date_from"] = filters.date_from.isoformat()
    if filters.date_to is not None:
        clauses.append("p.payment_date <= :date_to")
        params["date_to"] = filters.date_to.isoformat()
    query = " ".join((filters.search or "").split())
    if len(query) >= 3:
        clauses.append(
            "p.rowid IN (SELECT rowid FROM payments_fts WHERE payments_fts MATCH :match)"
        )
        params["match"] = fts_phrase(query)
    elif query:
        clauses.append(
            "(c.name LIKE :like ESCAPE '\\' OR c.account_number LIKE :like ESCAPE '\\' "
            "OR p.receipt_number LIKE :like ESCAPE '\\')"
        )
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["like"] = f"%{escaped}%"
    return clauses


def page(session: Session, filters: Filters, *, limit: int, after: PageKey | None) -> list[Row]:
    params: dict[str, Any] = {"limit": limit}
    clauses = _where(filters, params)
    if after is not None:
        clauses.append("(p.payment_date, p.recorded_at, p.rowid) < (:k_date, :k_at, :k_rowid)")
        params.update(k_date=after.payment_date, k_at=after.recorded_at, k_rowid=after.rowid)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = (
        f"{_SELECT}{where} ORDER BY p.payment_date DESC, p.recorded_at DESC, p.rowid DESC "
        "LIMIT :limit"
    )
    return list(session.execute(text(sql), params))


def count(session: Session, filters: Filters, *, at_most: int | None = None) -> int:
    """How many payments match; with `at_most`, stops counting past it (returns at most
    at_most + 1), so a million-row table costs no more than a page of ten thousand."""
    params: dict[str, Any] = {}
    clauses = _where(filters, params)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    join = " JOIN consumers c ON c.id = p.consumer_id" if "c." in where else ""
    if at_most is None:
        return session.execute(
            text(f"SELECT count(*) FROM payments p{join}{where}"), params
        ).scalar_one()
    params["cap"] = at_most + 1
    return session.execute(
        text(f"SELECT count(*) FROM (SELECT 1 FROM payments p{join}{where} LIMIT :cap)"), params
    ).scalar_one()


def channel_in_use(session: Session, channel: str) -> str | None:
    """Whether payments carry this channel (one no longer in settings but still in history).

    Spelled exactly, so the channel index answers it at once."""
    return session.execute(
        text("SELECT channel FROM payments WHERE channel = :channel LIMIT 1"),
        {"channel": channel},
    ).scalar()
