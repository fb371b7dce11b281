"""Payment plan schedules: installments that add up to the total exactly, due dates by frequency."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Frequency(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


PLAN_STATUSES = ("offered", "accepted", "declined", "completed", "broken")
INSTALLMENT_STATUSES = ("due", "paid", "partly", "overdue", "missed")


class PlanRefused(ValueError):
    """The terms cannot make a plan; the message says which term and why."""


@dataclass(frozen=True)
class PlanRules:
    """Configurable limits; amounts in minor units of the plan's currency."""

    min_installment_minor: int = 1_000  # 10.00: below this a collection costs more than it brings
    min_installments: int = 2
    max_installments: int = 60
    broken_after_missed: int = 2


@dataclass(frozen=True)
class ScheduledInstallment:
    number: int  # 1-based; with a down payment, number 1 is the down payment
    amount_minor: int
    due_date: date
    down_payment: bool = False


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or that month's last day (Jan 31 + 1 month = Feb 28/29)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_date(first_due: date, frequency: Frequency, index: int) -> date:
    """The due date of the `index`-th (0-based) period; months count from the first due date so a
    plan starting on the 31st keeps the 31st whenever the month has one."""
    if frequency is Frequency.MONTHLY:
        return add_months(first_due, index)
    days = 7 if frequency is Frequency.WEEKLY else 14
    return first_due + timedelta(days=days * index)


def split(total_minor: int, count: int) -> list[int]:
    """`count` equal parts of `total_minor`, the remainder of the division on the last one."""
    base = total_minor // count
    return [base] * (count - 1) + [total_minor - base * (count - 1)]


def schedule(
    total_minor: int,
    count: int,
    frequency: Frequency | str,
    first_due: date,
    down_payment_minor: int = 0,
    rules: PlanRules = PlanRules(),
) -> list[ScheduledInstallment]:
    """The plan's installments: the down payment (if any) due on `first_due`, then `count`
    regular installments splitting the rest, the first one period after it (or on `first_due`
    without a down payment). Raises PlanRefused with a reason when the terms do not work."""
    frequency = parse_frequency(frequency)
    check_terms(total_minor, count, down_payment_minor, rules)
    rest = total_minor - down_payment_minor
    offset = 1 if down_payment_minor else 0
    rows = [ScheduledInstallment(1, down_payment_minor, first_due, True)] if offset else []
    for i, amount in enumerate(split(rest, count)):
        number = len(rows) + 1
        rows.append(
            ScheduledInstallment(number, amount, due_date(first_due, frequency, i + offset))
        )
    return rows


def check_terms(total_minor: int, count: int, down_payment_minor: int, rules: PlanRules) -> None:
    if total_minor <= 0:
        raise PlanRefused("Nothing is owed: there is nothing to spread over a plan.")
    if count < rules.min_installments:
        raise PlanRefused(f"A plan has at least {rules.min_installments} installments.")
    if count > rules.max_installments:
        raise PlanRefused(f"A plan has at most {rules.max_installments} installments.")
    if down_payment_minor < 0:
        raise PlanRefused("The down payment cannot be negative.")
    if down_payment_minor >= total_minor:
        raise PlanRefused("The down payment must be less than the total: else no plan is needed.")
    if (total_minor - down_payment_minor) // count < rules.min_installment_minor:
        raise PlanRefused(
            f"Each installment would be less than the minimum of {rules.min_installment_minor}"
            " minor units: offer fewer installments or a smaller down payment."
        )


def parse_frequency(value: Frequency | str) -> Frequency:
    try:
        return Frequency(str(value).strip().lower())
    except ValueError:
        choices = ", ".join(f.value for f in Frequency)
        raise PlanRefused(f"Unknown frequency {value!r}: choose one of {choices}.") from None


def installment_status(amount_minor: int, paid_minor: int, due: date, today: date) -> str:
    """Where an installment stands before the missed-installment scan looks at it."""
    if paid_minor >= amount_minor:
        return "paid"
    if due < today:
        return "overdue"
    return "partly" if paid_minor > 0 else "due"


def is_missed(due: date, today: date, grace_days: int) -> bool:
    """Missed once `grace_days` whole days have passed after the due date."""
    return (today - due).days > grace_days


def plan_number(prefix: str, year: int, sequence: int) -> str:
    """RP-2026-0001: the counter's PP-YYYY-NNNN shape with the recovery series' own prefix."""
    return f"{prefix}-{year}-{sequence:04d}"
