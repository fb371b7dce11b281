"""Generated recovery histories with a known signal (and the same with the signal removed)."""

import math
import random
from datetime import UTC, datetime, timedelta

from app.recovery.prediction.records import Charge, ConsumerActivity, FailedPayment

START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def _logistic(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def charges(consumers: int = 300, months: int = 8, seed: int = 1) -> list[Charge]:
    """Some consumers are often short of money; big bills and the days before payday fail more."""
    rng = random.Random(seed)
    rows = []
    for n in range(consumers):
        risk = rng.gauss(0, 1.5)
        amount = rng.randint(2_000, 20_000)
        method = rng.choice(["card", "enach", "upi_autopay"])
        day = rng.randint(1, 28)
        for month in range(months):
            at = START + timedelta(days=30 * month + day, hours=rng.randint(0, 10))
            bill = int(amount * rng.uniform(0.6, 1.6))
            odds = -1.5 + risk + 1.2 * (bill / amount - 1) + (0.8 if at.day > 20 else 0.0)
            rows.append(Charge(f"C{n:04d}", at, bill, method, 1, rng.random() < _logistic(odds)))
    return rows


def failed_payments(cases: int = 1600, seed: int = 2) -> list[FailedPayment]:
    """Short of funds is usually recovered; hard declines and fraud hardly ever."""
    rng = random.Random(seed)
    lift = {"insufficient_funds": 1.2, "do_not_honor": 0.2, "expired_or_invalid": -0.3,
            "hard": -2.0, "technical": 1.5, "fraud": -2.5}  # fmt: skip
    rows = []
    for n in range(cases):
        category = rng.choice(list(lift))
        segment = rng.choice(["standard", "standard", "vip", "high_value"])
        odds = lift[category] + (0.8 if segment == "vip" else 0.0)
        rows.append(
            FailedPayment(
                case_id=f"K{n:05d}", failed_at=START + timedelta(hours=3 * n),
                amount_minor=rng.randint(1_000, 50_000), method=rng.choice(["card", "enach"]),
                gateway=rng.choice(["nmi", "stripe"]), category=category, code="51",
                advice_code="", segment=segment, vip=segment == "vip",
                recovered=rng.random() < _logistic(odds),
            )
        )  # fmt: skip
    return rows


def consumers(count: int = 1200, seed: int = 3) -> list[ConsumerActivity]:
    """Unhappy consumers with many failures leave; loyal, well-used accounts stay."""
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        failures = rng.randint(1, 6)
        attempts = failures * rng.randint(0, 3)
        satisfaction = rng.choice([None, 1.0, 2.0, 3.0, 4.0, 5.0])
        usage = rng.randint(1_000, 200_000)
        odds = -1.0 + 0.5 * (failures - 3) - 0.6 * ((satisfaction or 3.0) - 3)
        odds -= 0.4 * (math.log(usage) - math.log(20_000))
        rows.append(
            ConsumerActivity(
                consumer_id=f"C{n:05d}", first_failure_at=START + timedelta(hours=5 * n),
                failures=failures, attempts=attempts, declined_attempts=attempts // 2,
                messages=failures * 2, messages_read=failures, recovered_cases=failures // 2,
                satisfaction=satisfaction, usage_minor=usage, tenure_days=rng.uniform(30, 900),
                churned=rng.random() < _logistic(odds),
            )
        )  # fmt: skip
    return rows


def without_signal(rows: list, field: str, seed: int = 9) -> list:
    """The same rows with the outcome drawn at random at the same rate: nothing to learn."""
    rng = random.Random(seed)
    rate = sum(bool(getattr(r, field)) for r in rows) / len(rows)
    return [type(r)(**{**r.__dict__, field: rng.random() < rate}) for r in rows]
