"""Header KPIs - collected, received today, collection rate, avg collection time - defined
once here for the landing page, the supervisor dashboard and the command line."""

from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal

from app.domain import kpis as rules
from app.domain.periods import ReportPeriod, compared_with, month_periods
from app.services.ports_money import AnalyticsRepository
from app.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Kpi:
    value: Decimal | int | None
    previous: Decimal | int | None

    @property
    def change_percent(self) -> Decimal | None:
        return rules.change_percent(self.value, self.previous)


@dataclass(frozen=True)
class PeriodTotals:
    """What one period adds up to; the KPIs are computed from these and nothing else."""

    collected_minor: int  # posted payments dated in the period
    payments: int
    due_minor: int  # bills, service charges and installments falling due in the period
    collection_days: tuple[int, int]  # (sum of days, number of allocations)


@dataclass(frozen=True)
class HeaderKpis:
    total_collected: Kpi  # minor units; previous = the period compared with
    payment_count: Kpi
    received_today: Kpi  # minor units; previous = yesterday
    received_today_count: Kpi
    collection_rate: Kpi  # percent, one decimal
    avg_collection_time_days: Kpi  # days, one decimal

    @property
    def includes_arrears(self) -> bool:
        return rules.includes_arrears(self.collection_rate.value)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Kpis(HeaderKpis):
    """The landing page's KPIs for one month."""

    month: str  # 2025-04
    month_label: str  # April 2025
    today: date
    currency: str
    period: ReportPeriod  # the month, or this month to today
    previous: ReportPeriod  # the whole month before, or the same days of last month
    compared_with: str  # "same days last month", "previous month"


def header_kpis(
    now: PeriodTotals,
    before: PeriodTotals,
    today: tuple[int, int],
    yesterday: tuple[int, int],
) -> HeaderKpis:
    """The one definition of every header KPI, from a period's totals and the previous's."""
    return HeaderKpis(
        total_collected=Kpi(now.collected_minor, before.collected_minor),
        payment_count=Kpi(now.payments, before.payments),
        received_today=Kpi(today[0], yesterday[0]),
        received_today_count=Kpi(today[1], yesterday[1]),
        collection_rate=Kpi(
            rules.collection_rate(now.collected_minor, now.due_minor),
            rules.collection_rate(before.collected_minor, before.due_minor),
        ),
        avg_collection_time_days=Kpi(
            rules.average_days(now.collection_days), rules.average_days(before.collection_days)
        ),
    )


def period_totals(sums: AnalyticsRepository, period: ReportPeriod) -> PeriodTotals:
    """Range sums over the payment-date and due-date indexes."""
    collected, payments = sums.collected(period.start, period.end)
    return PeriodTotals(
        collected_minor=collected,
        payments=payments,
        due_minor=sums.due(period.start, period.end),
        collection_days=sums.collection_days(period.start, period.end),
    )


def day_totals(sums: AnalyticsRepository, day: date) -> tuple[int, int]:
    """(sum, count) of the posted payments dated that day."""
    return sums.collected(day, day)


def collection_kpis(uow: UnitOfWork, month: str | None = None) -> Kpis:
    """Posted payments only. Default: this month at the service center, to today, against
    the same days of last month; a past month whole, against the whole month before."""
    with uow:
        today = uow.today()
        first = rules.month_period(month, today).start
        period, previous = month_periods(first, today)
        sums = uow.analytics
        kpis = header_kpis(
            period_totals(sums, period),
            period_totals(sums, previous),
            day_totals(sums, today),
            day_totals(sums, today - timedelta(days=1)),
        )
        return Kpis(
            **{f.name: getattr(kpis, f.name) for f in fields(HeaderKpis)},
            month=period.start.strftime("%Y-%m"),
            month_label=period.start.strftime("%B %Y"),
            today=today,
            currency=uow.settings().currency,
            period=period,
            previous=previous,
            compared_with=compared_with(period, previous),
        )
