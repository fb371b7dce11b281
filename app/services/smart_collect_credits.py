"""Observed credits (salary and other income) imported from CSV for Smart Collect's patterns.

Columns: consumer_id, date (YYYY-MM-DD, the consumer's local day), amount (decimal), currency,
and optionally source (bank, aa, ...; default 'csv') and balance (the balance after it).
A row already imported (same consumer, day, amount and source) is skipped; bad rows are
reported with their line and nothing of them is written.
"""

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from app.db.recovery_tables_smart_collect import recovery_credits
from app.domain.errors import UserFacingError
from app.domain.money import parse_amount

REQUIRED = ("consumer_id", "date", "amount", "currency")


@dataclass
class CreditImport:
    added: int = 0
    already_known: int = 0
    refused: list[str] = field(default_factory=list)


def import_credits(engine: Engine, path: Path, now: datetime) -> CreditImport:
    if not path.exists():
        raise UserFacingError(f"There is no file {path}.")
    report = CreditImport()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise UserFacingError(f"{path} lacks the column(s) {', '.join(missing)}.")
        rows = []
        for line, raw in enumerate(reader, start=2):
            try:
                rows.append(_row(raw, now))
            except (UserFacingError, ValueError) as error:
                report.refused.append(f"line {line}: {error}")
    c = recovery_credits.c
    with engine.begin() as connection:
        consumers = {r["consumer_id"] for r in rows}
        known = {
            (r.consumer_id, r.credited_on, r.amount_minor, r.source)
            for r in connection.execute(
                select(c.consumer_id, c.credited_on, c.amount_minor, c.source).where(
                    c.consumer_id.in_(consumers)
                )
            )
        }
        new = []
        for row in rows:
            key = (row["consumer_id"], row["credited_on"], row["amount_minor"], row["source"])
            if key in known:
                report.already_known += 1
                continue
            known.add(key)
            new.append(row)
        if new:
            connection.execute(recovery_credits.insert(), new)
        report.added = len(new)
    return report


def _row(raw: dict[str, str], now: datetime) -> dict[str, Any]:
    consumer = (raw.get("consumer_id") or "").strip()
    if not consumer:
        raise ValueError("consumer_id is empty")
    currency = (raw.get("currency") or "").strip().upper()
    if len(currency) != 3:
        raise ValueError(f"currency {currency!r} is not a 3-letter code")
    try:
        day = date.fromisoformat((raw.get("date") or "").strip())
    except ValueError:
        raise ValueError(f"date {raw.get('date')!r} is not YYYY-MM-DD") from None
    amount = parse_amount(raw.get("amount") or "", currency)
    if amount <= 0:
        raise ValueError("a credit's amount is more than zero")
    balance = (raw.get("balance") or "").strip()
    return {
        "consumer_id": consumer,
        "credited_on": day.isoformat(),
        "amount_minor": amount,
        "currency": currency,
        "source": (raw.get("source") or "").strip() or "csv",
        "balance_minor": parse_amount(balance, currency, field="Balance") if balance else None,
        "imported_at": now,
    }
