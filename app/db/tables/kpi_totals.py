"""Posted payments added up per payment date, kept by SQLite triggers (migration 0019).

The KPI header and the dashboards read these few hundred rows instead of scanning a million
payments. The triggers fire for every writer - the counter's services, a pull applying other
counters' payments, a bulk load - so no code path can forget them.
"""

from datetime import date

from sqlalchemy import Date
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base


class KpiDayTotal(Base):
    """One payment date: posted payments (sum, count) and their allocations' collection days
    (sum, count), allocations reversed by a void left out - exactly the KPI queries' rows."""

    __tablename__ = "kpi_day_totals"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    collected_minor: Mapped[int]
    payments: Mapped[int]
    collection_days: Mapped[int]
    allocations: Mapped[int]
