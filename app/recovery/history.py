"""Past attempts, and what the engine learns from them: training rows and payday patterns."""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np

from app.recovery.code_tables import DeclineCodes
from app.recovery.features import FEATURES, AttemptSituation, feature_matrix
from app.recovery.payday import infer_paydays


@dataclass(frozen=True)
class PastAttempt:
    attempt_id: str
    consumer_id: str
    series_id: str
    attempted_at: datetime
    amount_minor: int
    currency: str
    method: str
    gateway: str
    network: str
    card_type: str
    attempt_number: int
    approved: bool
    code: str
    advice_code: str


def paydays_by_consumer(
    history: Sequence[PastAttempt], zone_of: Callable[[str], ZoneInfo]
) -> dict[str, tuple[int, ...]]:
    approved: dict[str, list[date]] = defaultdict(list)
    for attempt in history:
        if attempt.approved:
            zone = zone_of(attempt.consumer_id)
            approved[attempt.consumer_id].append(attempt.attempted_at.astimezone(zone).date())
    return {consumer: infer_paydays(days) for consumer, days in approved.items()}


def training_rows(
    history: Sequence[PastAttempt],
    codes: DeclineCodes,
    zone_of: Callable[[str], ZoneInfo],
    paydays: dict[str, tuple[int, ...]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, outcomes (1 = approved) and series ids, one row per past attempt."""
    by_series: dict[str, list[PastAttempt]] = defaultdict(list)
    for attempt in history:
        by_series[attempt.series_id].append(attempt)
    rows, outcomes, series = [], [], []
    for series_id, attempts in by_series.items():
        attempts.sort(key=lambda a: (a.attempted_at, a.attempt_number))
        previous: PastAttempt | None = None
        before_previous: PastAttempt | None = None
        for attempt in attempts:
            situation = AttemptSituation(
                amount_minor=attempt.amount_minor,
                method=attempt.method,
                network=attempt.network,
                card_type=attempt.card_type,
                attempt_number=attempt.attempt_number,
                last_at=previous.attempted_at if previous else None,
                last_category=_category(previous, codes),
                code_changed=bool(
                    before_previous and previous and before_previous.code != previous.code
                ),
                instrument_changed=bool(previous and previous.network != attempt.network),
                paydays=paydays.get(attempt.consumer_id, ()),
                zone=zone_of(attempt.consumer_id),
            )
            rows.append(feature_matrix(situation, [attempt.attempted_at])[0])
            outcomes.append(1 if attempt.approved else 0)
            series.append(series_id)
            before_previous, previous = previous, attempt
    if not rows:
        return np.empty((0, len(FEATURES))), np.empty(0, dtype=int), np.empty(0, dtype=object)
    return np.vstack(rows), np.array(outcomes), np.array(series, dtype=object)


def _category(attempt: PastAttempt | None, codes: DeclineCodes) -> str | None:
    if attempt is None or attempt.approved:
        return None
    return codes.classify(
        gateway=attempt.gateway,
        method=attempt.method,
        network=attempt.network,
        code=attempt.code,
        advice_code=attempt.advice_code,
    ).category.value
