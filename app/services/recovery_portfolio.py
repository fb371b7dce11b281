"""Read a portfolio (consumers, history, messages, cases CSVs), refusing bad rows one by one."""

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

from app.domain.errors import UserFacingError
from app.recovery.history import PastAttempt

NAME_MAX = 128  # recovery_consumers.name

METHODS = {"card", "enach", "upi_autopay"}
GATEWAYS = {"nmi", "stripe", "razorpay"}
NETWORKS = {"visa", "mastercard", "amex", "rupay", ""}
CARD_TYPES = {"credit", "debit", "prepaid", ""}
CHANNELS = {"email", "sms", "whatsapp"}
PRODUCTS = {"bill", "installment", "service"}

T = TypeVar("T")


class BadRow(ValueError):
    """One row that cannot be used; the message says why."""


@dataclass(frozen=True)
class Consumer:
    consumer_id: str
    email: str
    phone: str
    country: str
    subdivision: str
    timezone: str
    language: str
    vip: bool
    name: str = ""  # full name, for a person to read and a reminder to greet by; "" unknown


@dataclass(frozen=True)
class PastMessage:
    consumer_id: str
    sent_at: datetime
    channel: str
    read: bool
    paid: bool


@dataclass(frozen=True)
class CaseRow:
    case_id: str
    consumer_id: str
    amount_minor: int
    currency: str
    method: str
    gateway: str
    network: str
    card_type: str
    failed_at: datetime
    code: str
    advice_code: str
    product: str
    due_date: date | None


@dataclass
class Portfolio:
    consumers: dict[str, Consumer]
    history: list[PastAttempt]
    messages: list[PastMessage]
    cases: list[CaseRow]
    refused: list[str] = field(default_factory=list)  # "file:line: reason", for the report


def read_portfolio(directory: Path) -> Portfolio:
    if not directory.is_dir():
        raise UserFacingError(f"Portfolio folder {directory} does not exist.")
    refused: list[str] = []
    consumers = {c.consumer_id: c for c in _read(directory / "consumers.csv", _consumer, refused)}

    def known(consumer_id: str) -> str:
        if consumer_id not in consumers:
            raise BadRow(f"unknown consumer {consumer_id!r}")
        return consumer_id

    history = _read(directory / "history.csv", lambda r: _past_attempt(r, known), refused)
    messages = _read(directory / "messages.csv", lambda r: _past_message(r, known), refused)
    cases = _read(directory / "cases.csv", lambda r: _case(r, known), refused)
    seen: set[str] = set()
    unique = []
    for case in cases:
        if case.case_id in seen:
            refused.append(f"cases.csv: case {case.case_id} appears twice; the first is kept")
            continue
        seen.add(case.case_id)
        unique.append(case)
    return Portfolio(consumers, history, messages, unique, refused)


def _read(path: Path, parse: Callable[[dict[str, str]], T], refused: list[str]) -> list[T]:
    if not path.exists():
        raise UserFacingError(f"The portfolio has no {path.name} ({path}).")
    rows: list[T] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                rows.append(parse(row))
            except (BadRow, KeyError, ValueError) as error:
                refused.append(f"{path.name}:{line}: {_why(error)}")
    return rows


def _why(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"missing column {error.args[0]!r}"
    return str(error)


# -- fields ---------------------------------------------------------------------------------
def _text(row: dict[str, str], name: str, *, required: bool = True) -> str:
    value = (row[name] or "").strip()
    if required and not value:
        raise BadRow(f"{name} is empty")
    return value


def _one_of(row: dict[str, str], name: str, allowed: set[str]) -> str:
    value = _text(row, name, required="" not in allowed).lower()
    if value not in allowed:
        raise BadRow(f"{name} {value!r} is not one of {', '.join(sorted(allowed - {''}))}")
    return value


def _minor(row: dict[str, str], name: str) -> int:
    text = _text(row, name)
    if not text.lstrip("-").isdigit():
        raise BadRow(f"{name} {text!r} is not a whole number of minor units")
    value = int(text)
    if value <= 0:
        raise BadRow(f"{name} must be positive, not {value}")
    return value


def _utc(row: dict[str, str], name: str, *, required: bool = True) -> datetime | None:
    text = _text(row, name, required=required)
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BadRow(f"{name} {text!r} is not an ISO-8601 time") from None
    if value.tzinfo is None:
        raise BadRow(f"{name} {text!r} has no time zone (UTC with Z expected)")
    return value.astimezone(UTC)


def _currency(row: dict[str, str]) -> str:
    value = _text(row, "currency").upper()
    if len(value) != 3 or not value.isalpha():
        raise BadRow(f"currency {value!r} is not an ISO 4217 code")
    return value


# -- rows -----------------------------------------------------------------------------------
def _consumer(row: dict[str, str]) -> Consumer:
    country = _text(row, "country").upper()
    if len(country) != 2:
        raise BadRow(f"country {country!r} is not an ISO 3166-1 alpha-2 code")
    return Consumer(
        consumer_id=_text(row, "consumer_id"),
        email=_text(row, "email", required=False),
        phone=_text(row, "phone", required=False),
        country=country,
        subdivision=_text(row, "subdivision", required=False).upper(),
        timezone=_text(row, "timezone", required=False),
        language=_text(row, "language", required=False),
        vip=_text(row, "vip", required=False) == "1",
        name=_text(row, "name", required=False)[:NAME_MAX],
    )


def _past_attempt(row: dict[str, str], known: Callable[[str], str]) -> PastAttempt:
    outcome = _one_of(row, "outcome", {"approved", "declined"})
    number = _text(row, "attempt_number")
    if not number.isdigit() or int(number) < 1:
        raise BadRow(f"attempt_number {number!r} must be 1 or more")
    at = _utc(row, "attempted_at")
    assert at is not None
    return PastAttempt(
        attempt_id=_text(row, "attempt_id"),
        consumer_id=known(_text(row, "consumer_id")),
        series_id=_text(row, "series_id"),
        attempted_at=at,
        amount_minor=_minor(row, "amount_minor"),
        currency=_currency(row),
        method=_one_of(row, "method", METHODS),
        gateway=_one_of(row, "gateway", GATEWAYS),
        network=_one_of(row, "card_network", NETWORKS),
        card_type=_one_of(row, "card_type", CARD_TYPES),
        attempt_number=int(number),
        approved=outcome == "approved",
        code=(row.get("code") or "").strip(),
        advice_code=(row.get("merchant_advice_code") or "").strip(),
    )


def _past_message(row: dict[str, str], known: Callable[[str], str]) -> PastMessage:
    sent = _utc(row, "sent_at")
    assert sent is not None
    return PastMessage(
        consumer_id=known(_text(row, "consumer_id")),
        sent_at=sent,
        channel=_one_of(row, "channel", CHANNELS),
        read=bool(_text(row, "read_at", required=False)),
        paid=bool(_text(row, "paid_at", required=False)),
    )


def _case(row: dict[str, str], known: Callable[[str], str]) -> CaseRow:
    failed = _utc(row, "failed_at")
    assert failed is not None
    due = _text(row, "due_date", required=False)
    try:
        due_date = date.fromisoformat(due) if due else None
    except ValueError:
        raise BadRow(f"due_date {due!r} is not a date") from None
    method = _one_of(row, "method", METHODS)
    network = _one_of(row, "card_network", NETWORKS)
    if method == "card" and not network:
        raise BadRow("a card case needs its card_network")
    return CaseRow(
        case_id=_text(row, "case_id"),
        consumer_id=known(_text(row, "consumer_id")),
        amount_minor=_minor(row, "amount_minor"),
        currency=_currency(row),
        method=method,
        gateway=_one_of(row, "gateway", GATEWAYS),
        network=network,
        card_type=_one_of(row, "card_type", CARD_TYPES),
        failed_at=failed,
        code=(row.get("code") or "").strip(),
        advice_code=(row.get("merchant_advice_code") or "").strip(),
        product=_one_of(row, "product", PRODUCTS),
        due_date=due_date,
    )
