"""Collections as the KPI tiles and supervisor dashboards add them up: range sums per day."""

from datetime import date

from sqlalchemy.orm import Session

from app.db.queries import analytics as sums
from app.db.queries import kpi_sums, kpi_totals
from app.db.queries.analytics import Breakdowns


class AnalyticsRepository:
    """Posted payments by payment date and items by due date; every range is inclusive.

    Sums and counts of payments come from the per-day running totals (a month is about thirty
    rows, whatever the number of payments); breakdowns and dues scan their indexes."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def collected(self, start: date, end: date) -> tuple[int, int]:
        """(sum, count) of posted payments dated in the range."""
        return kpi_totals.collected(self.session, start, end)

    def due(self, start: date, end: date) -> int:
        """Bills, service charges and installments falling due in the range."""
        return kpi_sums.due(self.session, start, end)

    def collection_days(self, start: date, end: date) -> tuple[int, int]:
        """(sum of days, number of allocations) of posted payments dated in the range."""
        return kpi_totals.collection_days(self.session, start, end)

    def collection_days_by_bucket(
        self, bucket: str, start: date, end: date
    ) -> dict[date, tuple[int, int]]:
        """The same per day, week or month (keyed by the bucket's first day)."""
        return kpi_totals.collection_days_by_bucket(self.session, bucket, start, end)

    def by_day(self, start: date, end: date) -> list[tuple[date, int, int]]:
        """(day, sum, count) for each day of the range with posted payments."""
        return kpi_totals.by_day(self.session, start, end)

    def due_by_day(self, start: date, end: date) -> dict[date, int]:
        return sums.due_by_day(self.session, start, end)

    def breakdowns(self, dimensions: tuple[str, ...], start: date, end: date) -> Breakdowns:
        """Per dimension (method, channel, type, cashier): (key, label, sum, count)."""
        return sums.breakdowns(self.session, dimensions, start, end)
