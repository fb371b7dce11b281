"""KPI arithmetic: collection rate, average collection time, change against a previous period."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from app.domain.errors import UserFacingError


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        return self.start.strftime("%B %Y")

    @property
    def key(self) -> str:
        return self.start.strftime("%Y-%m")


def month_period(month: str | None, today: date) -> Period:
    """'2025-04' (or this month when None) as its first and last day."""
    if month is None or not month.strip():
        year, number = today.year, today.month
    else:
        try:
            year_text, month_text = month.strip().split("-")
            year, number = int(year_text), int(month_text)
            if not 1 <= number <= 12 or not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            raise UserFacingError(f"'{month}' is not a month: use YYYY-MM, e.g. 2025-04.") from None
    last = calendar.monthrange(year, number)[1]
    return Period(date(year, number, 1), date(year, number, last))


def previous_month(period: Period) -> Period:
    end = period.start - timedelta(days=1)
    return Period(end.replace(day=1), end)


def collection_rate(collected_minor: int, due_minor: int) -> Decimal | None:
    """The spec's (Total collected / Total due) x 100, over one period: posted payments dated
    in it against the bills, service charges and installments falling due in it. To one
    decimal; None when nothing fell due."""
    if due_minor <= 0:
        return None
    rate = Decimal(collected_minor) * 100 / Decimal(due_minor)
    return rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def includes_arrears(rate: Decimal | None) -> bool:
    """More was collected than fell due in the period: only payments of earlier periods'
    bills (arrears), or paid ahead, can make up the rest, and the tile must say so."""
    return rate is not None and rate > 100


def average_days(parts: tuple[int, int] | None) -> Decimal | None:
    """Sum of collection days over the number of allocations, to one decimal; None when
    nothing was collected."""
    if not parts or not parts[1]:
        return None
    return one_decimal(Decimal(parts[0]) / parts[1])


def one_decimal(value: float | Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def change_percent(current: Decimal | int | None, previous: Decimal | int | None) -> Decimal | None:
    """Percentage change against the previous period; None when there is nothing to compare."""
    if current is None or previous is None or previous == 0:
        return None
    change = (Decimal(current) - Decimal(previous)) * 100 / abs(Decimal(previous))
    return change.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
