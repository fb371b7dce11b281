"""Dashboard charts as CSV: exactly the rows a chart shows, money as plain decimals."""

import csv
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from app.db.private_files import open_private
from app.domain.errors import UserFacingError
from app.domain.money import decimal_text
from app.services.analytics import (
    Breakdown,
    CategoryTotal,
    DailyCollections,
    Dashboard,
    DayComparison,
    RatePoint,
    RateSeries,
)

_DIMENSION_LABELS = {"method": "Method", "channel": "Channel", "type": "Type", "cashier": "Cashier"}

CHARTS = ("daily", "method", "channel", "type", "cashier", "trend")


def dashboard_csv(board: Dashboard, chart: str) -> list[list[str]]:
    """Header and rows of one chart of the dashboard ('daily', 'method', ... 'trend')."""
    charts: dict[str, DailyCollections | Breakdown | RateSeries] = {
        "daily": board.daily,
        "method": board.by_method,
        "channel": board.by_channel,
        "type": board.by_type,
        "cashier": board.by_cashier,
        "trend": board.trend,
    }
    data = charts.get(chart)
    if data is None:
        raise UserFacingError(f"Unknown chart '{chart}'. Choose {', '.join(CHARTS)}.")
    return to_csv_rows(data, board.currency)


def to_csv_rows(data: DailyCollections | Breakdown | RateSeries, currency: str) -> list[list[str]]:
    """Money as plain decimals ('145.50'), dates as ISO, percentages to one decimal."""

    def money(minor: int) -> str:
        return decimal_text(minor, currency)

    if isinstance(data, DailyCollections):
        header = ["Day", "Collected", "Payments", "Previous day", "Previous collected"]
        return [[*header, "Previous payments"], *(_day_row(d, money) for d in data.days)]
    if isinstance(data, Breakdown):
        header = [_DIMENSION_LABELS[data.dimension], "Collected", "Payments", "Share %"]
        total = data.total_minor
        return [header, *(_category_row(c, total, money) for c in data.categories)]
    header = ["From", "To", "Collected", "Due", "Collection rate %", "Month to date rate %"]
    return [[*header, "Avg collection days"], *(_point_row(p, money) for p in data.points)]


def _day_row(d: DayComparison, money: Callable[[int], str]) -> list[str]:
    return [
        d.day.isoformat(),
        money(d.amount_minor),
        str(d.count),
        d.previous_day.isoformat() if d.previous_day else "",
        money(d.previous_amount_minor),
        str(d.previous_count),
    ]


def _category_row(c: CategoryTotal, total: int, money: Callable[[int], str]) -> list[str]:
    return [c.label, money(c.amount_minor), str(c.count), _share(c.amount_minor, total)]


def _point_row(p: RatePoint, money: Callable[[int], str]) -> list[str]:
    return [
        p.period.start.isoformat(),
        p.period.end.isoformat(),
        money(p.collected_minor),
        money(p.due_minor),
        _text(p.collection_rate),
        _text(p.rolling_rate),
        _text(p.avg_collection_days),
    ]


def write_csv(path: Path, rows: list[list[str]]) -> None:
    try:
        # 0600: consumers' figures are for this OS user only, like the rest of the data dir
        with open(open_private(Path(path)), "w", newline="", encoding="utf-8") as file:
            csv.writer(file).writerows(rows)
    except OSError as error:
        raise UserFacingError(f"Could not save {path}: {error.strerror or error}.") from None


def _share(part: int, total: int) -> str:
    if total <= 0:
        return ""
    return str((Decimal(part) * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _text(value: Decimal | None) -> str:
    return "" if value is None else str(value)
