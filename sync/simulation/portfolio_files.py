"""The portfolio directory: the four CSV files of the simulate protocol and the world's secret.

The engine reads only the four CSV files. The world also reads `.world/hidden.json` (each
consumer's hidden behaviour, written by the generator); a hand-made portfolio may leave it out.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sync.simulation.localtime import parse_instant

CONSUMER_COLUMNS = (
    "consumer_id", "name", "email", "phone", "country", "subdivision", "timezone",
    "language", "customer_since", "vip",
)  # fmt: skip
HISTORY_COLUMNS = (
    "attempt_id", "consumer_id", "series_id", "attempted_at", "amount_minor", "currency",
    "method", "gateway", "card_network", "card_type", "attempt_number", "outcome", "code",
    "merchant_advice_code",
)  # fmt: skip
MESSAGE_COLUMNS = (
    "message_id", "consumer_id", "series_id", "sent_at", "channel", "read_at", "paid_at",
)  # fmt: skip
CASE_COLUMNS = (
    "case_id", "consumer_id", "amount_minor", "currency", "method", "gateway", "card_network",
    "card_type", "failed_at", "code", "merchant_advice_code", "product", "due_date",
)  # fmt: skip
HIDDEN_FILE = Path(".world") / "hidden.json"


@dataclass(frozen=True)
class ConsumerRow:
    consumer_id: str
    name: str
    email: str
    phone: str
    country: str
    subdivision: str
    timezone: str
    language: str
    customer_since: str
    vip: str


@dataclass(frozen=True)
class CaseRow:
    case_id: str
    consumer_id: str
    amount_minor: int
    currency: str
    method: str
    gateway: str
    card_network: str
    card_type: str
    failed_at: datetime
    code: str
    merchant_advice_code: str
    product: str
    due_date: str


@dataclass(frozen=True)
class Portfolio:
    consumers: dict[str, ConsumerRow]
    cases: dict[str, CaseRow]
    hidden: dict  # {"consumers": {consumer_id: Traits json}}


class PortfolioError(ValueError):
    """The portfolio directory cannot be read as the protocol describes it."""


def write_rows(path: Path, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """One CSV file, UTF-8 with a header row; returns how many rows were written."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_hidden(directory: Path, hidden: dict) -> None:
    path = directory / HIDDEN_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(hidden, separators=(",", ":")), encoding="utf-8")


def read_portfolio(directory: Path) -> Portfolio:
    consumers = {
        row["consumer_id"]: ConsumerRow(**{c: row[c] for c in CONSUMER_COLUMNS})
        for row in _read(directory / "consumers.csv", CONSUMER_COLUMNS)
    }
    cases: dict[str, CaseRow] = {}
    for number, row in enumerate(_read(directory / "cases.csv", CASE_COLUMNS), start=2):
        try:
            case = CaseRow(
                **{c: row[c] for c in CASE_COLUMNS if c not in ("amount_minor", "failed_at")},
                amount_minor=int(row["amount_minor"]),
                failed_at=parse_instant(row["failed_at"]),
            )
        except ValueError as error:
            raise PortfolioError(f"cases.csv line {number}: {error}") from error
        if case.consumer_id not in consumers:
            raise PortfolioError(f"cases.csv line {number}: unknown consumer {case.consumer_id}")
        cases[case.case_id] = case
    hidden_path = directory / HIDDEN_FILE
    hidden = json.loads(hidden_path.read_text("utf-8")) if hidden_path.exists() else {}
    return Portfolio(consumers, cases, hidden)


def _read(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    if not path.exists():
        raise PortfolioError(f"{path.name} is missing from {path.parent}")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(columns) - set(reader.fieldnames or ())
        if missing:
            raise PortfolioError(f"{path.name} lacks the columns {sorted(missing)}")
        return list(reader)
