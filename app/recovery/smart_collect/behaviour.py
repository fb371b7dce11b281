"""Spending and payment behaviour: low-balance days, punctuality, preferred payment time."""

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from app.recovery.smart_collect.income import Credit

ON_TIME_DAYS = 1  # paid at most a day after the due date counts as on time
TIMES_OF_DAY = (
    (6, 12, "Morning (6AM-12PM)"),
    (12, 17, "Afternoon (12PM-5PM)"),
    (17, 22, "Evening (5PM-10PM)"),
)


@dataclass(frozen=True)
class AttemptRecord:
    """One charge as the consumer lived it (local time)."""

    case_id: str
    at: datetime  # consumer-local
    amount_minor: int
    approved: bool
    category: str | None  # the decline's category


@dataclass(frozen=True)
class PaidBill:
    due: date | None
    failed_on: date  # the first failure, when there is no due date
    paid_on: date | None  # None: not paid yet


@dataclass(frozen=True)
class SpendingPattern:
    low_balance_days: tuple[int, ...]  # days of the month insufficient-funds declines cluster on
    high_spending_days: tuple[int, ...]  # days of the month the observed balance fell most
    average_balance_minor: int | None  # None: no source reports balances
    low_balance_share: float  # share of observed balances below the usual amount owed


@dataclass(frozen=True)
class PaymentBehaviour:
    preferred_payment_time: str
    punctuality: float  # 0-100: share of bills paid on time
    average_delay_days: float
    bills: int


def spending_pattern(
    attempts: Sequence[AttemptRecord], credits: Sequence[Credit], owed_minor: int
) -> SpendingPattern:
    lows = Counter(a.at.day for a in attempts if a.category == "insufficient_funds")
    balances = sorted((c.on, c.balance_minor) for c in credits if c.balance_minor is not None)
    drops: Counter = Counter()
    for (_, before), (on, after) in itertools.pairwise(balances):
        if after < before:
            drops[on.day] += before - after
    average = int(sum(b for _, b in balances) / len(balances)) if balances else None
    below = sum(1 for _, b in balances if b < owed_minor) / len(balances) if balances else 0.0
    return SpendingPattern(
        low_balance_days=tuple(d for d, _ in lows.most_common(2)),
        high_spending_days=tuple(d for d, _ in drops.most_common(2)),
        average_balance_minor=average,
        low_balance_share=round(below, 3),
    )


def payment_behaviour(
    bills: Sequence[PaidBill], approved_at: Sequence[datetime]
) -> PaymentBehaviour:
    delays = [
        max(0, (b.paid_on - (b.due or b.failed_on)).days) for b in bills if b.paid_on is not None
    ]
    on_time = sum(1 for d in delays if d <= ON_TIME_DAYS)
    return PaymentBehaviour(
        preferred_payment_time=_preferred_time(approved_at),
        punctuality=round(100.0 * on_time / len(delays), 1) if delays else 0.0,
        average_delay_days=round(sum(delays) / len(delays), 1) if delays else 0.0,
        bills=len(delays),
    )


def _preferred_time(approved_at: Sequence[datetime]) -> str:
    counts: Counter = Counter()
    for at in approved_at:
        name = next((n for lo, hi, n in TIMES_OF_DAY if lo <= at.hour < hi), "Night (10PM-6AM)")
        counts[name] += 1
    return counts.most_common(1)[0][0] if counts else "unknown"
