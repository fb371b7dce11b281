"""A made-up history of charges and the training rows the recovery model learns from."""

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.recovery.code_tables import load_decline_codes
from app.recovery.history import PastAttempt, paydays_by_consumer, training_rows

NEW_YORK = ZoneInfo("America/New_York")


def _history(consumers: int, months: int) -> list[PastAttempt]:
    """Charges go through in the three days after the 1st (payday), rarely otherwise."""
    rng = random.Random(5)
    rows = []
    for c in range(consumers):
        for m in range(months):
            first = datetime(2026, 1 + m % 12, 1, 15, tzinfo=UTC) + timedelta(
                days=rng.randint(-6, 6)
            )
            for n in range(1, 5):
                at = first + timedelta(days=2 * (n - 1), hours=rng.randint(0, 5))
                approved = (at.astimezone(NEW_YORK).day <= 3) == (rng.random() < 0.9)
                rows.append(
                    PastAttempt(
                        f"A{c}-{m}-{n}",
                        f"C{c}",
                        f"S{c}-{m}",
                        at,
                        5_000,
                        "USD",
                        "card",
                        "nmi",
                        "visa",
                        "debit",
                        n,
                        approved,
                        "100" if approved else "202",
                        "",
                    )
                )
                if approved:
                    break
    return rows


def _rows(history):
    codes = load_decline_codes()
    paydays = paydays_by_consumer(history, lambda _: NEW_YORK)
    return training_rows(history, codes, lambda _: NEW_YORK, paydays)
