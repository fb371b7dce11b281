"""Header KPIs of a month: collected, received today, collection rate, avg collection time."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.db.queries import kpi_sums
from app.db.unit_of_work import UnitOfWork
from app.domain import kpis as rules


@dataclass(frozen=True)
class Kpi:
    value: Decimal | int | None
    previous: Decimal | int | None

    @property
    def change_percent(self) -> Decimal | None:
        return rules.change_percent(self.value, self.previous)


@dataclass(frozen=True)
class Kpis:
    month: str  # 2025-04
    month_label: str  # April 2025
    today: date
    currency: str
    total_collected: Kpi  # minor units; previous = previous month
    received_today: Kpi  # minor units; previous = yesterday
    received_today_count: Kpi
    collection_rate: Kpi  # percent, one decimal
    avg_collection_time_days: Kpi  # days, one decimal


def collection_kpis(uow: UnitOfWork, month: str | None = None) -> Kpis:
    """Posted payments only. Default period: this month at the service center."""
    with uow:
        today = uow.today()
        period = rules.month_period(month, today)
        before = rules.previous_month(period)
        session = uow.session
        collected, _ = kpi_sums.collected(session, period.start, period.end)
        collected_before, _ = kpi_sums.collected(session, before.start, before.end)
        today_sum, today_count = kpi_sums.collected(session, today, today)
        yesterday = today - timedelta(days=1)
        yesterday_sum, yesterday_count = kpi_sums.collected(session, yesterday, yesterday)
        rate = rules.collection_rate(collected, kpi_sums.due(session, period.start, period.end))
        rate_before = rules.collection_rate(
            collected_before, kpi_sums.due(session, before.start, before.end)
        )
        days = kpi_sums.average_collection_days(session, period.start, period.end)
        days_before = kpi_sums.average_collection_days(session, before.start, before.end)
        return Kpis(
            month=period.key,
            month_label=period.label,
            today=today,
            currency=uow.settings().currency,
            total_collected=Kpi(collected, collected_before),
            received_today=Kpi(today_sum, yesterday_sum),
            received_today_count=Kpi(today_count, yesterday_count),
            collection_rate=Kpi(rate, rate_before),
            avg_collection_time_days=Kpi(rules.one_decimal(days), rules.one_decimal(days_before)),
        )
