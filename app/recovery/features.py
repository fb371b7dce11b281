"""The model's features for one attempt at each of several candidate times (the seed's list)."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from app.recovery.codes import Category
from app.recovery.payday import days_since_payday

CATEGORIES = [c.value for c in Category]
METHODS = ["card", "enach", "upi_autopay"]
NETWORKS = ["visa", "mastercard", "amex", "rupay"]
CARD_TYPES = ["credit", "debit", "prepaid"]
MAX_HOURS_SINCE = 24.0 * 60

FEATURES = [
    "hour",
    "weekday",
    "day_of_month",
    "hours_since_last",
    "attempt_number",
    *(f"category_{c}" for c in CATEGORIES),
    "code_changed",
    "instrument_changed",
    *(f"method_{m}" for m in METHODS),
    *(f"network_{n}" for n in NETWORKS),
    *(f"card_type_{t}" for t in CARD_TYPES),
    "log_amount",
    "days_since_payday",
    "has_payday",
]


@dataclass(frozen=True)
class AttemptSituation:
    """Everything but the time: the case as it stands before the attempt."""

    amount_minor: int
    method: str
    network: str
    card_type: str
    attempt_number: int
    last_at: datetime | None
    last_category: str | None
    code_changed: bool
    instrument_changed: bool
    paydays: tuple[int, ...]
    zone: ZoneInfo

    def static_part(self) -> list[float]:
        return [
            float(self.attempt_number),
            *(float(self.last_category == c) for c in CATEGORIES),
            float(self.code_changed),
            float(self.instrument_changed),
            *(float(self.method == m) for m in METHODS),
            *(float(self.network == n) for n in NETWORKS),
            *(float(self.card_type == t) for t in CARD_TYPES),
            math.log1p(max(self.amount_minor, 0)),
        ]


def feature_matrix(situation: AttemptSituation, times: Sequence[datetime]) -> np.ndarray:
    """One row per candidate time; vectorised, since `smart` scores hundreds per decision."""
    n = len(times)
    rows = np.empty((n, len(FEATURES)), dtype=np.float64)
    if n == 0:
        return rows
    epoch = np.array([t.timestamp() for t in times], dtype=np.float64)
    local = epoch + _offsets(times, situation.zone)
    days = np.floor(local / 86400).astype(np.int64)
    dates = days.astype("datetime64[D]")
    day_of_month = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    rows[:, 0] = np.floor(local / 3600) % 24
    rows[:, 1] = (days + 3) % 7  # 1 Jan 1970 was a Thursday; Monday is 0
    rows[:, 2] = day_of_month
    if situation.last_at is None:
        rows[:, 3] = 0.0
    else:
        since = (epoch - situation.last_at.timestamp()) / 3600
        rows[:, 3] = np.minimum(since, MAX_HOURS_SINCE)
    static = situation.static_part()
    rows[:, 4 : 4 + len(static)] = static
    if situation.paydays:
        paydays = np.array(situation.paydays)
        rows[:, -2] = np.min((day_of_month[:, None] - paydays[None, :]) % 31, axis=1)
    else:
        rows[:, -2] = days_since_payday(1, ())
    rows[:, -1] = float(bool(situation.paydays))
    return rows


def _offsets(times: Sequence[datetime], zone: ZoneInfo) -> np.ndarray:
    """UTC offsets in seconds. Candidates come evenly spaced, so the zone is asked once per
    run of 24 and candidate by candidate only in a run where its offset changes (DST)."""
    offsets = np.empty(len(times), dtype=np.float64)
    step = 24
    known: dict[int, float] = {}

    def offset(i: int) -> float:
        if i not in known:
            delta = times[i].astimezone(zone).utcoffset()
            known[i] = delta.total_seconds() if delta is not None else 0.0
        return known[i]

    for begin in range(0, len(times), step):
        end = min(begin + step, len(times)) - 1
        first, last = offset(begin), offset(end)
        spacing = times[1] - times[0] if len(times) > 1 else None
        contiguous = spacing is not None and times[end] - times[begin] == spacing * (end - begin)
        if first == last and contiguous:
            offsets[begin : end + 1] = first
        else:
            offsets[begin : end + 1] = [offset(i) for i in range(begin, end + 1)]
    return offsets
