"""Write small portfolios (the four CSVs) for the simulate tests."""

import csv
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

CONSUMERS = [
    "consumer_id",
    "name",
    "email",
    "phone",
    "country",
    "subdivision",
    "timezone",
    "language",
    "customer_since",
    "vip",
]
HISTORY = [
    "attempt_id",
    "consumer_id",
    "series_id",
    "attempted_at",
    "amount_minor",
    "currency",
    "method",
    "gateway",
    "card_network",
    "card_type",
    "attempt_number",
    "outcome",
    "code",
    "merchant_advice_code",
]
MESSAGES = ["message_id", "consumer_id", "series_id", "sent_at", "channel", "read_at", "paid_at"]
CASES = [
    "case_id",
    "consumer_id",
    "amount_minor",
    "currency",
    "method",
    "gateway",
    "card_network",
    "card_type",
    "failed_at",
    "code",
    "merchant_advice_code",
    "product",
    "due_date",
]


def _z(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_portfolio(
    directory: Path,
    *,
    cases: int,
    months_of_history: int,
    seed: int = 1,
    start: datetime = datetime(2027, 1, 4, tzinfo=UTC),
) -> Path:
    """US consumers on Visa through NMI; past charges approved near the 1st (their payday)."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    consumers, history, case_rows = [], [], []
    for n in range(1, cases + 1):
        cid = f"C{n:04d}"
        consumers.append(
            [
                cid,
                f"Person {n}",
                f"p{n}@example.com",
                "+12125550123",
                "US",
                "NY",
                "America/New_York",
                "en-US",
                "2020-01-01",
                "0",
            ]
        )
        amount = rng.randint(2_000, 9_000)
        for month in range(months_of_history, 0, -1):
            series = f"S{n:04d}-{month}"
            due = start - timedelta(days=30 * month) + timedelta(hours=rng.randint(8, 20))
            for attempt in range(1, 4):
                at = due + timedelta(days=2 * (attempt - 1))
                approved = at.day <= 3 or rng.random() < 0.1
                history.append(
                    [
                        f"A{n}-{month}-{attempt}",
                        cid,
                        series,
                        _z(at),
                        amount,
                        "USD",
                        "card",
                        "nmi",
                        "visa",
                        "debit",
                        attempt,
                        "approved" if approved else "declined",
                        "100" if approved else "202",
                        "",
                    ]
                )
                if approved:
                    break
        case_rows.append(
            [
                f"K{n:04d}",
                cid,
                amount,
                "USD",
                "card",
                "nmi",
                "visa",
                "debit",
                _z(start - timedelta(hours=rng.randint(1, 30))),
                "202" if n % 5 else "251",
                "",
                "bill",
                "2027-01-03",
            ]
        )
    for name, columns, rows in (
        ("consumers", CONSUMERS, consumers),
        ("history", HISTORY, history),
        ("messages", MESSAGES, []),
        ("cases", CASES, case_rows),
    ):
        with (directory / f"{name}.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(rows)
    return directory
