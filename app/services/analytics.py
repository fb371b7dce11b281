"""Supervisor dashboards: collections per day, by method/channel/type/cashier, rate and time."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.domain import kpis as rules
from app.domain.errors import UserFacingError
from app.domain.payments import PaymentType
from app.domain.periods import (
    Bucket,
    DailyTotals,
    PeriodChoice,
    ReportPeriod,
    bucket_for,
    bucket_start,
    month_to,
    pick_period,
    previous_period,
)
from app.domain.settings import Settings
from app.services.actors import actor_for
from app.services.kpis import HeaderKpis, PeriodTotals, day_totals, header_kpis
from app.services.ports_money import AnalyticsRepository
from app.services.unit_of_work import UnitOfWork

DIMENSIONS = ("method", "channel", "type", "cashier")
SYSTEM = "System"  # who "recorded" an online payment


@dataclass(frozen=True)
class DayComparison:
    """One day of the period beside the day at the same offset in the previous period."""

    offset: int
    day: date
    amount_minor: int
    count: int
    previous_day: date | None  # None past the end of a shorter previous period
    previous_amount_minor: int
    previous_count: int


@dataclass(frozen=True)
class DailyCollections:
    period: ReportPeriod
    previous: ReportPeriod
    days: tuple[DayComparison, ...]


@dataclass(frozen=True)
class CategoryTotal:
    key: str | None  # method, channel or type name, or username; None for online (System)
    label: str
    amount_minor: int
    count: int


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    period: ReportPeriod
    categories: tuple[CategoryTotal, ...]

    @property
    def total_minor(self) -> int:
        return sum(c.amount_minor for c in self.categories)


@dataclass(frozen=True)
class RatePoint:
    period: ReportPeriod  # the bucket, clipped to the chosen period
    collected_minor: int
    due_minor: int
    collection_rate: Decimal | None  # percent, one decimal; None when nothing fell due
    rolling_rate: Decimal | None  # the same over the month ending on the bucket's last day
    avg_collection_days: Decimal | None  # one decimal; None when nothing was collected


@dataclass(frozen=True)
class RateSeries:
    period: ReportPeriod
    bucket: Bucket
    points: tuple[RatePoint, ...]


# The header KPIs as the landing page defines them (app.services.kpis), for any period.
PeriodKpis = HeaderKpis


@dataclass(frozen=True)
class Dashboard:
    choice: PeriodChoice
    period: ReportPeriod
    previous: ReportPeriod
    today: date
    currency: str
    kpis: PeriodKpis
    daily: DailyCollections
    by_method: Breakdown
    by_channel: Breakdown
    by_type: Breakdown
    by_cashier: Breakdown
    trend: RateSeries


# -- use cases -----------------------------------------------------------------------------
def collections_by_day(
    uow: UnitOfWork,
    start: date,
    end: date,
    *,
    username: str | None,
    previous: ReportPeriod | None = None,
) -> DailyCollections:
    """Each day's posted payments beside the previous period's (by default the same number
    of days just before), matched by day offset."""
    period = ReportPeriod(start, end)
    previous = previous or period.before()
    with uow:
        _authorise(uow, username)
        return _daily(_Figures(uow.analytics, period, previous), period, previous)


def collections_by(
    uow: UnitOfWork, dimension: str, start: date, end: date, *, username: str | None
) -> Breakdown:
    """Posted payments in the period per method, channel, type or cashier."""
    if dimension not in DIMENSIONS:
        raise UserFacingError(f"Unknown dimension '{dimension}'. Choose {', '.join(DIMENSIONS)}.")
    period = ReportPeriod(start, end)
    with uow:
        _authorise(uow, username)
        return _breakdowns(uow.analytics, uow.settings(), (dimension,), period)[dimension]


def rate_and_time_series(
    uow: UnitOfWork, start: date, end: date, bucket: str = "day", *, username: str | None
) -> RateSeries:
    """Collection rate and average collection time per day, week or month of the period."""
    kind, period = Bucket.parse(bucket), ReportPeriod(start, end)
    with uow:
        _authorise(uow, username)
        sums = uow.analytics
        days = sums.collection_days_by_bucket(kind.value, period.start, period.end)
        return _series(_Figures(sums, period, period), days, period, kind)


def period_kpis(
    uow: UnitOfWork,
    start: date,
    end: date,
    *,
    username: str | None,
    previous: ReportPeriod | None = None,
) -> PeriodKpis:
    """The landing page's four KPIs for any period, against `previous` (and yesterday)."""
    period = ReportPeriod(start, end)
    previous = previous or period.before()
    with uow:
        _authorise(uow, username)
        sums = uow.analytics
        now = sums.collection_days(period.start, period.end)
        figures = _Figures(sums, period, previous)
        return _kpis(sums, figures, period, previous, now, uow.today())


def dashboard(
    uow: UnitOfWork,
    choice: PeriodChoice | str,
    *,
    username: str | None,
    start: date | None = None,
    end: date | None = None,
) -> Dashboard:
    """Everything the dashboard screen shows, from one read snapshot and a handful of scans."""
    with uow:
        _authorise(uow, username)
        sums, settings, today = uow.analytics, uow.settings(), uow.today()
        period = pick_period(choice, today, start, end)
        previous, bucket = previous_period(choice, period), bucket_for(period)
        figures = _Figures(sums, period, previous)
        days = sums.collection_days_by_bucket(bucket.value, period.start, period.end)
        now = (sum(d for d, _ in days.values()), sum(n for _, n in days.values()))
        by = _breakdowns(sums, settings, DIMENSIONS, period)
        return Dashboard(
            choice=PeriodChoice(choice),
            period=period,
            previous=previous,
            today=today,
            currency=settings.currency,
            kpis=_kpis(sums, figures, period, previous, now, today),
            daily=_daily(figures, period, previous),
            by_method=by["method"],
            by_channel=by["channel"],
            by_type=by["type"],
            by_cashier=by["cashier"],
            trend=_series(figures, days, period, bucket),
        )


def _authorise(uow: UnitOfWork, username: str | None) -> None:
    actor_for(uow, username, "view_dashboards")


# -- the parts -----------------------------------------------------------------------------
class _Figures:
    """Collected and due per day over every day a period is compared with: range scans that
    the tiles, the daily chart and the rate series then add up over days, not rows."""

    def __init__(
        self, sums: AnalyticsRepository, period: ReportPeriod, previous: ReportPeriod
    ) -> None:
        # The period with its first rolling month, and the previous period: one scan when they
        # touch, two when a gap lies between (this year against last year's same dates).
        spans = sorted([(month_to(period.start).start, period.end), (previous.start, previous.end)])
        if spans[1][0] <= spans[0][1] + timedelta(days=1):
            spans = [(spans[0][0], max(spans[0][1], spans[1][1]))]
        collected: dict[date, int] = {}
        payments: dict[date, int] = {}
        due: dict[date, int] = {}
        for first, last in spans:
            for day, total, number in sums.by_day(first, last):  # one row per day
                collected[day], payments[day] = total, number
            due.update(sums.due_by_day(first, last))
        first, last = spans[0][0], max(end for _, end in spans)
        self.collected = DailyTotals(first, last, collected)
        self.payments = DailyTotals(first, last, payments)
        self.due = DailyTotals(first, last, due)


def _daily(figures: _Figures, period: ReportPeriod, previous: ReportPeriod) -> DailyCollections:
    days = []
    for offset in range(period.days):  # one per calendar day, not per payment
        day = period.day(offset)
        before = previous.day(offset) if offset < previous.days else None
        days.append(
            DayComparison(
                offset,
                day,
                figures.collected.on(day),
                figures.payments.on(day),
                before,
                figures.collected.on(before),
                figures.payments.on(before),
            )
        )
    return DailyCollections(period, previous, tuple(days))


def _breakdowns(
    sums: AnalyticsRepository,
    settings: Settings,
    dimensions: tuple[str, ...],
    period: ReportPeriod,
) -> dict[str, Breakdown]:
    found = sums.breakdowns(dimensions, period.start, period.end)
    # Every configured choice gets a bar, so a method nobody used shows as zero, not missing.
    configured = {
        "method": [m.name for m in settings.methods],
        "channel": list(settings.channels),
        "type": [t.value for t in PaymentType],
        "cashier": [],
    }
    result = {}
    for dimension, rows in found.items():
        categories = [CategoryTotal(key, label or SYSTEM, t, n) for key, label, t, n in rows]
        seen = {c.key for c in categories}
        categories += [
            CategoryTotal(name, name, 0, 0) for name in configured[dimension] if name not in seen
        ]
        result[dimension] = Breakdown(dimension, period, tuple(categories))
    return result


def _series(
    figures: _Figures,
    days: dict[date, tuple[int, int]],
    period: ReportPeriod,
    bucket: Bucket,
) -> RateSeries:
    points = []
    for piece in period.buckets(bucket):
        collected = figures.collected.between(piece.start, piece.end)
        due = figures.due.between(piece.start, piece.end)
        rolling = month_to(piece.end)
        points.append(
            RatePoint(
                period=piece,
                collected_minor=collected,
                due_minor=due,
                collection_rate=rules.collection_rate(collected, due),
                rolling_rate=rules.collection_rate(
                    figures.collected.between(rolling.start, rolling.end),
                    figures.due.between(rolling.start, rolling.end),
                ),
                avg_collection_days=_average(days.get(bucket_start(bucket, piece.start))),
            )
        )
    return RateSeries(period, bucket, tuple(points))


def _kpis(
    sums: AnalyticsRepository,
    figures: _Figures,
    period: ReportPeriod,
    previous: ReportPeriod,
    days_now: tuple[int, int],
    today: date,
) -> PeriodKpis:
    """The landing page's definitions over the sums already read for the charts."""

    def totals(span: ReportPeriod, days: tuple[int, int]) -> PeriodTotals:
        return PeriodTotals(
            collected_minor=figures.collected.between(span.start, span.end),
            payments=figures.payments.between(span.start, span.end),
            due_minor=figures.due.between(span.start, span.end),
            collection_days=days,
        )

    days_before = sums.collection_days(previous.start, previous.end)
    return header_kpis(
        totals(period, days_now),
        totals(previous, days_before),
        day_totals(sums, today),
        day_totals(sums, today - timedelta(days=1)),
    )


def _average(parts: tuple[int, int] | None) -> Decimal | None:
    return rules.average_days(parts)
