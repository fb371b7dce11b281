"""The hidden behaviour of simulated consumers: paydays, balance, hours, instruments, replies.

The same functions draw the portfolio's history and answer the world's requests, so a model
trained on the history can learn what the world will do. Nothing here is ever shown to the
engine: it sees only the CSV files and the world's answers.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

# Approval likelihood by consumer-local hour: issuers decline more in the small hours
# (suspicious), salaries land early in the morning, people spend in the evening.
HOUR_FACTOR = (
    0.6, 0.55, 0.55, 0.55, 0.6, 0.7, 0.8, 0.9, 1.0, 1.08, 1.12, 1.12,
    1.1, 1.05, 1.0, 1.0, 1.0, 1.05, 1.08, 1.05, 0.95, 0.85, 0.75, 0.65,
)  # fmt: skip
WEEKDAY_FACTOR = (1.02, 1.02, 1.0, 1.0, 1.04, 0.93, 0.9)
SALARY_CREDIT_HOUR = 5  # a payday's money is in the account from about 05:00 local
CYCLE_DAYS = {"monthly": 30.0, "semimonthly": 15.0, "biweekly": 14.0, "irregular": 11.0}
READ_RATE = {"email": 0.22, "sms": 0.45, "whatsapp": 0.62}
READ_DELAY_MINUTES = {"email": 300.0, "sms": 35.0, "whatsapp": 25.0}
FAILED_DELIVERY = {"email": 0.03, "sms": 0.03, "whatsapp": 0.04}
OPT_OUT = {"email": 0.004, "sms": 0.012, "whatsapp": 0.008}
TECHNICAL_RATE = 0.015


@dataclass(frozen=True)
class PaySchedule:
    kind: str  # monthly | semimonthly | biweekly | irregular
    day: int = 0  # monthly: day of month
    anchor: str = ""  # biweekly: ISO date of one payday
    salt: int = 0  # irregular: which days are paydays

    def __post_init__(self) -> None:
        """Refuse a schedule that cannot say when payday is (it used to fail mid-simulation,
        e.g. "day is out of range for month" for a monthly one left at day 0)."""
        if self.kind not in CYCLE_DAYS:
            raise ValueError(f"unknown pay schedule {self.kind!r}: one of {', '.join(CYCLE_DAYS)}")
        if self.kind == "monthly" and not 1 <= self.day <= 31:
            raise ValueError(
                f"a monthly pay schedule needs a day of the month 1-31, not {self.day}"
            )
        if self.kind == "biweekly":
            try:
                date.fromisoformat(self.anchor)
            except ValueError:
                raise ValueError(
                    f"a biweekly pay schedule needs the ISO date of one payday, not {self.anchor!r}"
                ) from None


@dataclass
class Traits:
    """One consumer's hidden nature; the world keeps it, the engine never sees it."""

    consumer_id: str
    zone: str
    pay: PaySchedule
    income_ratio: float  # balance just after payday, as a multiple of a typical bill
    cover: float  # share of the pay cycle before the money runs out
    buffer: float  # savings that stay in the account, as a multiple of a typical bill
    base_approval: float  # issuer's goodwill when the money is there
    instrument: str = "ok"  # ok | expired | invalid | hard
    hard_code: str = ""  # the one code a hard-declined instrument keeps answering
    updater_days: float | None = None  # a card updater refreshes an expired card
    read_mult: float = 1.0
    link_propensity: float = 0.3  # pays through a payment link once read and able
    update_propensity: float = 0.3  # puts a new card / mandate on file once asked
    opt_out_mult: float = 1.0
    email_bounces: bool = False
    has_whatsapp: bool = True
    salt: int = field(default=0)

    def to_json(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_json(data: dict) -> Traits:
        values = dict(data)
        values["pay"] = PaySchedule(**values["pay"])
        return Traits(**values)


def stable_int(*parts: object) -> int:
    """A hash that does not change between runs (Python's hash() does)."""
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


@lru_cache(maxsize=500_000)
def is_payday(pay: PaySchedule, day: date) -> bool:
    if pay.kind == "monthly":
        return day == _business_day_on_or_before(day, pay.day)
    if pay.kind == "semimonthly":
        return day in (_business_day_on_or_before(day, 1), _business_day_on_or_before(day, 15))
    if pay.kind == "biweekly":
        return (day - date.fromisoformat(pay.anchor)).days % 14 == 0
    return stable_int(pay.salt, day.toordinal()) % 100 < 9


def _business_day_on_or_before(day: date, day_of_month: int) -> date:
    """Employers pay on the Friday before when the date falls on a weekend."""
    last = _last_day_of_month(day)
    target = day.replace(day=min(day_of_month, last))
    while target.weekday() >= 5:
        target -= timedelta(days=1)
    return target


def _last_day_of_month(day: date) -> int:
    following = day.replace(day=28) + timedelta(days=4)
    return (following - timedelta(days=following.day)).day


def days_since_payday(traits: Traits, local_at: datetime) -> float:
    """Fractional days since the money last arrived (at SALARY_CREDIT_HOUR local)."""
    hours = local_at.hour + local_at.minute / 60
    day = local_at.date()
    for back in range(0, 45):
        candidate = day - timedelta(days=back)
        if is_payday(traits.pay, candidate) and (back > 0 or hours >= SALARY_CREDIT_HOUR):
            return back + (hours - SALARY_CREDIT_HOUR) / 24
    return 45.0


def headroom(traits: Traits, local_at: datetime) -> float:
    """What the consumer could pay now, as a share of the full amount owed."""
    cycle = CYCLE_DAYS[traits.pay.kind]
    spent = days_since_payday(traits, local_at) / (cycle * traits.cover)
    noise = 0.8 + (stable_int(traits.salt, "day", local_at.date().toordinal()) % 45) / 100
    return (traits.buffer + traits.income_ratio * max(0.0, 1.0 - spent)) * noise


@dataclass(frozen=True)
class AttemptContext:
    local_at: datetime
    share: float  # amount asked / full amount of the case
    attempts_last_24h: int  # this one included
    declines_last_7d: int
    gateway: str = ""


def gateway_outage(gateway: str, day: date) -> tuple[int, int] | None:
    """The UTC hours [start, end) a gateway is down on a day, if it is: about one day in 12."""
    draw = stable_int("outage", gateway, day.toordinal())
    if draw % 100 >= 8:
        return None
    start = (draw // 100) % 24
    return start, min(24, start + 1 + (draw // 2400) % 3)


def _gateway_down(gateway: str, at: datetime) -> bool:
    utc = at.astimezone(UTC)
    outage = gateway_outage(gateway, utc.date()) if gateway else None
    return outage is not None and outage[0] <= utc.hour < outage[1]


def attempt_reason(
    traits: Traits, instrument: str, ctx: AttemptContext, roll: random.Random
) -> str:
    """Why the issuer approves or declines this charge (one of codes.REASONS)."""
    if roll.random() < TECHNICAL_RATE or _gateway_down(ctx.gateway, ctx.local_at):
        return "technical"
    if instrument != "ok":
        return instrument
    if ctx.attempts_last_24h > 3 and roll.random() < 0.6:
        return "velocity"
    if headroom(traits, ctx.local_at) < ctx.share:
        return "insufficient"
    likelihood = (
        traits.base_approval
        * HOUR_FACTOR[ctx.local_at.hour]
        * WEEKDAY_FACTOR[ctx.local_at.weekday()]
        * 0.9 ** max(0, ctx.declines_last_7d - 1)
    )
    return "approved" if roll.random() < min(0.99, likelihood) else "do_not_honor"


@dataclass(frozen=True)
class Reaction:
    """What a consumer does with one message: each step an offset from sending, or None."""

    delivered: bool
    delivered_after: timedelta
    read_after: timedelta | None
    opted_out_after: timedelta | None


def react_to_message(
    traits: Traits,
    channel: str,
    local_sent: datetime,
    recent_messages: int,
    urgent: bool,
    roll: random.Random,
) -> Reaction:
    """Delivery, reading and opting out; paying and updating are decided when read."""
    after = timedelta(seconds=5 + roll.random() * 90)
    undeliverable = (channel == "email" and traits.email_bounces) or (
        channel == "whatsapp" and not traits.has_whatsapp
    )
    if undeliverable or roll.random() < FAILED_DELIVERY[channel]:
        return Reaction(False, after, None, None)
    opted = None
    opt_out_rate = OPT_OUT[channel] * traits.opt_out_mult * (1 + recent_messages)
    if roll.random() < opt_out_rate:
        opted = after + timedelta(minutes=1 + roll.random() * 30)
    read_rate = READ_RATE[channel] * traits.read_mult * (1.25 if urgent else 1.0)
    if opted is not None or roll.random() >= min(0.95, read_rate):
        return Reaction(True, after, None, opted)
    wait = timedelta(minutes=roll.expovariate(1 / READ_DELAY_MINUTES[channel]))
    return Reaction(True, after, _awake(local_sent + after + wait) - local_sent, None)


def _awake(local_at: datetime) -> datetime:
    """People read between 07:00 and 23:00; a message at night is read the next morning."""
    if 7 <= local_at.hour < 23:
        return local_at
    morning = local_at.replace(hour=7, minute=0, second=0, microsecond=0)
    if local_at.hour >= 23:
        morning += timedelta(days=1)
    return morning + timedelta(minutes=(local_at.minute * 7) % 90)


def pays_by_link(
    traits: Traits, local_read: datetime, share: float, roll: random.Random
) -> timedelta | None:
    """After reading a link: pay now, pay on the next payday, or never (None)."""
    if roll.random() >= traits.link_propensity:
        return None
    if headroom(traits, local_read) >= share:
        return timedelta(minutes=2 + roll.expovariate(1 / 25))
    if roll.random() >= 0.6:
        return None
    for ahead in range(1, 21):
        day = local_read.date() + timedelta(days=ahead)
        if is_payday(traits.pay, day):
            payday = local_read.replace(
                year=day.year, month=day.month, day=day.day, hour=SALARY_CREDIT_HOUR, minute=0
            )
            return payday - local_read + timedelta(hours=2 + roll.random() * 12)
    return None


def updates_method(traits: Traits, instrument: str, roll: random.Random) -> timedelta | None:
    """After reading a reminder: a consumer whose instrument is broken may put a new one on file."""
    if instrument == "ok" or roll.random() >= traits.update_propensity:
        return None
    return timedelta(minutes=10 + roll.expovariate(1 / 180))
