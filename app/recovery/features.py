"""The model's features for one attempt at each of several candidate times (the seed's list)."""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import overload
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


class CandidateTimes(Sequence[datetime]):
    """`count` times `step` apart from `start`, made only when asked for: the feature matrix
    of such a run comes from whole seconds and a cache instead of hundreds of datetimes."""

    def __init__(self, start: datetime, step: timedelta, count: int) -> None:
        # `size`, not `count`: that name is Sequence.count(value), which must keep working.
        self.start, self.step, self.size = start, step, count

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> datetime: ...

    @overload
    def __getitem__(self, index: slice) -> list[datetime]: ...

    def __getitem__(self, index: int | slice) -> datetime | list[datetime]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.size))]
        if index < 0:
            index += self.size
        if not 0 <= index < self.size:
            raise IndexError(index)
        return self.start + index * self.step


def feature_matrix(situation: AttemptSituation, times: Sequence[datetime]) -> np.ndarray:
    """One row per candidate time; vectorised, since `smart` scores hundreds per decision."""
    n = len(times)
    rows = np.empty((n, len(FEATURES)), dtype=np.float64)
    if n == 0:
        return rows
    if isinstance(times, CandidateTimes) and _whole_seconds(times):
        epoch, calendar = _spaced_calendar(situation.zone, times)
    else:
        epoch = np.array([t.timestamp() for t in times], dtype=np.float64)
        calendar = _calendar(epoch + _offsets(times, situation.zone))
    rows[:, 0:3] = calendar
    day_of_month = calendar[:, 2]
    if situation.last_at is None:
        rows[:, 3] = 0.0
    else:
        since = (epoch - situation.last_at.timestamp()) / 3600
        rows[:, 3] = np.minimum(since, MAX_HOURS_SINCE)
    static = situation.static_part()
    rows[:, 4 : 4 + len(static)] = static
    if situation.paydays:
        paydays = np.array(situation.paydays)
        whole_days = day_of_month.astype(np.int64)
        rows[:, -2] = np.min((whole_days[:, None] - paydays[None, :]) % 31, axis=1)
    else:
        rows[:, -2] = days_since_payday(1, ())
    rows[:, -1] = float(bool(situation.paydays))
    return rows


def _calendar(local: np.ndarray) -> np.ndarray:
    """Hour, weekday and day of month of local times given as seconds since 1970."""
    days = np.floor(local / 86400).astype(np.int64)
    dates = days.astype("datetime64[D]")
    calendar = np.empty((len(local), 3), dtype=np.float64)
    calendar[:, 0] = np.floor(local / 3600) % 24
    calendar[:, 1] = (days + 3) % 7  # 1 Jan 1970 was a Thursday; Monday is 0
    calendar[:, 2] = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    return calendar


def _whole_seconds(times: CandidateTimes) -> bool:
    return (
        times.start.tzinfo is not None
        and times.start.microsecond == 0
        and times.step.microseconds == 0
    )


CACHE_LIMIT = 4096
_spaced: dict[tuple[ZoneInfo, int, int, int], tuple[np.ndarray, np.ndarray]] = {}
_zone_offsets: dict[tuple[ZoneInfo, int], float] = {}


def _spaced_calendar(zone: ZoneInfo, times: CandidateTimes) -> tuple[np.ndarray, np.ndarray]:
    """Seconds since 1970 and the local calendar of a run of candidate times. Cases planned
    in the same round mostly start at the same hour in a few zones, so both are cached; the
    figures are those of the datetime path (whole seconds are exact in float64)."""
    start = int(times.start.timestamp())
    step = int(times.step.total_seconds())
    key = (zone, start, step, times.size)
    found = _spaced.get(key)
    if found is None:
        epoch = (start + step * np.arange(times.size, dtype=np.int64)).astype(np.float64)
        local = epoch + _offsets(times, zone, lambda i: _offset_at(zone, start + step * i))
        if len(_spaced) >= CACHE_LIMIT:
            _spaced.clear()
        found = _spaced[key] = (epoch, _calendar(local))
    return found


def _offset_at(zone: ZoneInfo, epoch: int) -> float:
    key = (zone, epoch)
    offset = _zone_offsets.get(key)
    if offset is None:
        delta = datetime.fromtimestamp(epoch, UTC).astimezone(zone).utcoffset()
        offset = delta.total_seconds() if delta is not None else 0.0
        if len(_zone_offsets) >= CACHE_LIMIT * 16:
            _zone_offsets.clear()
        _zone_offsets[key] = offset
    return offset


def _offsets(
    times: Sequence[datetime], zone: ZoneInfo, ask: Callable[[int], float] | None = None
) -> np.ndarray:
    """UTC offsets in seconds. Candidates come evenly spaced, so the zone is asked once per
    run of 24 and candidate by candidate only in a run where its offset changes (DST)."""
    offsets = np.empty(len(times), dtype=np.float64)
    step = 24
    known: dict[int, float] = {}

    def offset(i: int) -> float:
        if i not in known:
            if ask is not None:
                known[i] = ask(i)
            else:
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
