"""Escalation paths as ordered rules, each step with an owner and a due time in business hours."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

OPEN, CLOSE = time(9, 0), time(17, 0)


@dataclass(frozen=True)
class BusinessHours:
    """The region's working hours: weekdays 9-17 local, its public holidays closed."""

    zone: ZoneInfo
    is_holiday: Callable[[date], bool]
    opens: time = OPEN
    closes: time = CLOSE

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_holiday(day)

    def add(self, start: datetime, hours: float) -> datetime:
        """`start` plus so many working hours (an aware datetime, in UTC)."""
        left = timedelta(hours=hours)
        local = start.astimezone(self.zone)
        for _ in range(400):  # a year and more of closed days would be a broken calendar
            day = local.date()
            opens = datetime.combine(day, self.opens, self.zone)
            closes = datetime.combine(day, self.closes, self.zone)
            if self.is_working_day(day) and local < closes:
                local = max(local, opens)
                if local + left <= closes:
                    return (local + left).astimezone(ZoneInfo("UTC"))
                left -= closes - local
            local = datetime.combine(day + timedelta(days=1), time(0), self.zone)
        raise ValueError("no working hours found within a year")


@dataclass(frozen=True)
class CaseFacts:
    """What the escalation rules look at."""

    case_id: str
    vip: bool
    value_band: str  # low | medium | high
    at_risk: bool
    failures: int  # declined attempts, the intake's failure included
    category: str  # the last decline's category
    failed_at: datetime
    grace_days: int
    executive: str = "recovery executive"


@dataclass(frozen=True)
class EscalationStep:
    rule: str
    action: str
    owner: str
    due_at: datetime
    why: str


@dataclass(frozen=True)
class Rule:
    name: str
    action: str
    owner: Callable[[CaseFacts], str]
    within_hours: float
    applies: Callable[[CaseFacts, datetime], bool]
    why: Callable[[CaseFacts], str]


RULES: tuple[Rule, ...] = (
    Rule(
        "vip_high_value_second_failure", "call the consumer", lambda f: f.executive, 4,
        lambda f, now: f.vip and f.value_band == "high" and f.failures >= 2,
        lambda f: f"VIP, high value, {f.failures} failures",
    ),
    Rule(
        "at_risk_payment_plan", "offer a payment plan", lambda f: "recovery executive", 8,
        lambda f, now: f.at_risk and f.failures >= 3,
        lambda f: f"at risk and {f.failures} failures",
    ),
    Rule(
        "hard_decline_new_method", "ask for a new payment method", lambda f: "recovery executive",
        8, lambda f, now: f.category in ("hard", "expired_or_invalid", "fraud"),
        lambda f: f"the last decline is {f.category}: the instrument cannot be charged again",
    ),
    Rule(
        "grace_over_supervisor", "supervisor review before any disconnection notice",
        lambda f: "supervisor", 16,
        lambda f, now: now >= f.failed_at + timedelta(days=f.grace_days),
        lambda f: f"the {f.grace_days}-day grace period is over",
    ),
)  # fmt: skip


def escalations(
    facts: CaseFacts, now: datetime, hours: BusinessHours, rules: Sequence[Rule] = RULES
) -> list[EscalationStep]:
    """The steps the case calls for now, in the rules' order, each due in business hours."""
    return [
        EscalationStep(
            rule.name, rule.action, rule.owner(facts), hours.add(now, rule.within_hours),
            rule.why(facts),
        )
        for rule in rules
        if rule.applies(facts, now)
    ]  # fmt: skip
