"""The card networks' and NPCI's retry rules as pure functions over one case's book."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from app.domain.errors import UserFacingError
from app.recovery.codes import Classification

INDIA = ZoneInfo("Asia/Kolkata")
THIRTY_DAYS = timedelta(days=30)
DAY = timedelta(hours=24)
# Counting an attempt exactly on a window's edge as inside it keeps us on the safe side.
EDGE = timedelta(seconds=1)


class CaseState(StrEnum):
    OPEN = "open"
    PAID = "paid"
    PAUSED = "paused"
    DISPUTED = "disputed"
    AT_COUNTER = "at_counter"
    STOPPED = "stopped"


@dataclass(frozen=True)
class NetworkLimits:
    visa_per_30_days: int = 15
    mastercard_per_24_hours: int = 10
    mastercard_per_30_days: int = 35
    enach_per_month: int = 3
    upi_notice_lead: timedelta = DAY

    def __post_init__(self) -> None:
        if not 1 <= self.visa_per_30_days <= 20:
            raise UserFacingError("Visa allows at most 20 attempts per card in 30 days.")
        if (
            not 1 <= self.mastercard_per_24_hours <= 10
            or not 1 <= self.mastercard_per_30_days <= 35
        ):
            raise UserFacingError("Mastercard allows at most 10 attempts a day and 35 in 30 days.")
        if not 1 <= self.enach_per_month <= 3:
            raise UserFacingError("NPCI allows at most 3 e-NACH presentations a month.")


@dataclass(frozen=True)
class Attempt:
    at: datetime
    instrument: str
    outcome: Classification | None = None  # None: approved, or still in flight
    approved: bool = False


@dataclass
class CaseBook:
    """Everything the rules need to know about one case."""

    case_id: str
    method: str
    network: str
    instrument: str
    state: CaseState = CaseState.OPEN
    attempts: list[Attempt] = field(default_factory=list)
    notices: list[datetime] = field(default_factory=list)
    blocked_by: str | None = None  # the decline that forbids retries until a new method
    in_flight: bool = False
    fresh_method: bool = False  # a new method arrived and has not been tried yet

    def current_attempts(self) -> list[Attempt]:
        return [a for a in self.attempts if a.instrument == self.instrument]

    def last_attempt(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None


def refusal(
    book: CaseBook, at: datetime, instrument_times: Sequence[datetime], limits: NetworkLimits
) -> str | None:
    """Why an attempt on this case at `at` is forbidden, or None when it is allowed."""
    if book.state is not CaseState.OPEN:
        return f"the case is {book.state.value}"
    if book.in_flight:
        return "an attempt on this case is still in flight"
    last = book.last_attempt()
    if last is not None and at < last.at:
        return "an attempt cannot be placed before the previous one"
    if book.blocked_by is not None:
        return f"no retry after {book.blocked_by} until the payment method is updated"
    for reason in (
        _wait_refusal(book, at),
        _card_cap_refusal(book, at, instrument_times, limits),
        _enach_refusal(book, at, limits),
        _upi_refusal(book, at, limits),
    ):
        if reason is not None:
            return reason
    return None


def earliest(
    book: CaseBook, after: datetime, instrument_times: Sequence[datetime], limits: NetworkLimits
) -> datetime | None:
    """The first instant >= `after` at which an attempt is allowed; None while none ever is."""
    if book.state is not CaseState.OPEN or book.in_flight or book.blocked_by is not None:
        return None
    last = book.last_attempt()
    t = max(after, last.at) if last else after
    for _ in range(50):
        bounds = [
            t,
            _wait_until(book),
            _card_cap_until(book, t, instrument_times, limits),
            _enach_until(book, t, limits),
        ]
        upi = _upi_until(book, limits)
        if book.method == "upi_autopay":
            if upi is None:
                return None  # a pre-debit notification must be sent first
            bounds.append(upi)
        later = max(b for b in bounds if b is not None)
        if later == t:
            return t if refusal(book, t, instrument_times, limits) is None else None
        t = later
    return None


# -- each rule: why not, and from when ------------------------------------------------------
def _wait_until(book: CaseBook) -> datetime | None:
    waits = [a.at + a.outcome.min_wait for a in book.current_attempts() if a.outcome is not None]
    return max(waits, default=None)


def _wait_refusal(book: CaseBook, at: datetime) -> str | None:
    until = _wait_until(book)
    return None if until is None or at >= until else f"the decline asks to wait until {until:%c}"


def _card_windows(book: CaseBook, limits: NetworkLimits) -> list[tuple[timedelta, int]]:
    if book.method != "card":
        return []
    if book.network == "mastercard":
        return [(DAY, limits.mastercard_per_24_hours), (THIRTY_DAYS, limits.mastercard_per_30_days)]
    return [(THIRTY_DAYS, limits.visa_per_30_days)]  # Visa's cap, and ours for other networks


def _in_window(times: Sequence[datetime], at: datetime, span: timedelta) -> list[datetime]:
    return sorted(t for t in times if at - span - EDGE <= t <= at)


def _card_cap_refusal(
    book: CaseBook, at: datetime, times: Sequence[datetime], limits: NetworkLimits
) -> str | None:
    for span, cap in _card_windows(book, limits):
        if len(_in_window(times, at, span)) >= cap:
            return f"{book.network} allows {cap} attempts per card in {span.days or 1} day(s)"
    return None


def _card_cap_until(
    book: CaseBook, at: datetime, times: Sequence[datetime], limits: NetworkLimits
) -> datetime | None:
    until = None
    for span, cap in _card_windows(book, limits):
        window = _in_window(times, at, span)
        if len(window) >= cap:
            freed = window[len(window) - cap] + span + EDGE + timedelta(seconds=1)
            until = freed if until is None else max(until, freed)
    return until


def _month_keys(at: datetime) -> tuple[tuple[int, int], tuple[int, int]]:
    utc, india = at.astimezone(UTC), at.astimezone(INDIA)
    return (utc.year, utc.month), (india.year, india.month)


def _enach_refusal(book: CaseBook, at: datetime, limits: NetworkLimits) -> str | None:
    if book.method != "enach":
        return None
    keys = _month_keys(at)
    for i in (0, 1):
        same = [a for a in book.current_attempts() if _month_keys(a.at)[i] == keys[i]]
        if len(same) >= limits.enach_per_month:
            return f"e-NACH allows {limits.enach_per_month} presentations a month"
    return None


def _enach_until(book: CaseBook, at: datetime, limits: NetworkLimits) -> datetime | None:
    if _enach_refusal(book, at, limits) is None:
        return None
    # The later of next month's start in UTC and in India clears both calendars.
    starts = []
    for zone in (UTC, INDIA):
        local = at.astimezone(zone)
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        starts.append(datetime(year, month, 1, tzinfo=zone).astimezone(UTC))
    return max(starts)


def _upi_notice(book: CaseBook) -> datetime | None:
    last = book.last_attempt()
    after = [n for n in book.notices if last is None or n > last.at]
    return min(after, default=None)


def _upi_until(book: CaseBook, limits: NetworkLimits) -> datetime | None:
    notice = _upi_notice(book)
    return None if notice is None else notice + limits.upi_notice_lead


def _upi_refusal(book: CaseBook, at: datetime, limits: NetworkLimits) -> str | None:
    if book.method != "upi_autopay":
        return None
    notice = _upi_notice(book)
    if notice is None:
        return "UPI AutoPay needs a pre-debit notification after the previous attempt"
    if at < notice + limits.upi_notice_lead:
        return "UPI AutoPay's pre-debit notification must be at least 24 h before the debit"
    return None
