"""Smart Collect's pictures: the status pie (QPainter: pyqtgraph draws no pies) and the
behavioural charts (pyqtgraph): the income pattern with its collection window, and the days
of the month when balances run low or spending peaks."""

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.recovery.smart_collect.income import IncomePattern
from app.recovery.smart_collect.window import END_AFTER_PAYDAY, START_AFTER_PAYDAY
from ui.widgets.charts import AXIS, CURRENT, PREVIOUS, TEXT, CategoryAxis, SuffixAxis, colour
from ui.widgets.charts import _Chart as Chart
from ui.widgets.style import stylesheet_colour

DAYS = list(range(1, 32))
STATUS_TONES = (("Successful", "good"), ("Failed", "bad"), ("Pending", CURRENT))


class StatusPie(QWidget):
    """Successful / failed / pending collections as a pie with its legend beside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusPie")
        self.setAccessibleName("Status distribution")
        self.setMinimumSize(260, 150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.counts: list[int] = [0, 0, 0]

    def sizeHint(self) -> QSize:
        return QSize(320, 180)

    def set_counts(self, successful: int, failed: int, pending: int) -> None:
        self.counts = [successful, failed, pending]
        total = sum(self.counts)
        parts = [
            f"{n} {name.lower()}" for (name, _), n in zip(STATUS_TONES, self.counts, strict=True)
        ]
        self.setToolTip(", ".join(parts) if total else "No collections yet")
        self.update()

    def slices(self) -> list[tuple[str, int, float]]:
        """(status, count, degrees) of every status with collections."""
        total = sum(self.counts)
        return [
            (name, n, 360.0 * n / total)
            for (name, _), n in zip(STATUS_TONES, self.counts, strict=True)
            if n
        ]

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.height() - 16, self.width() // 2 - 16)
        pie = QRectF(8, (self.height() - side) / 2, side, side)
        total = sum(self.counts)
        text = stylesheet_colour(TEXT)
        if not total:
            painter.setPen(QPen(QColor(colour(AXIS)), 2))
            painter.drawEllipse(pie)
            painter.setPen(text)
            painter.drawText(pie, Qt.AlignmentFlag.AlignCenter, "No collections\nyet")
            return
        start = 90 * 16  # from twelve o'clock, clockwise
        whole = len(self.slices()) == 1  # one status: a full disc, no seam to twelve o'clock
        painter.setPen(Qt.PenStyle.NoPen if whole else QPen(Qt.GlobalColor.white, 2))
        for (_name, tone), n in zip(STATUS_TONES, self.counts, strict=True):
            if not n:
                continue
            span = -round(360 * 16 * n / total)
            painter.setBrush(stylesheet_colour(tone))
            painter.drawPie(pie, start, span)
            start += span
        metrics = painter.fontMetrics()
        x, y = pie.right() + 16, pie.top() + 8
        for (name, tone), n in zip(STATUS_TONES, self.counts, strict=True):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(stylesheet_colour(tone))
            painter.drawRect(QRectF(x, y, 12, 12))
            painter.setPen(text)
            share = 100 * n / total
            painter.drawText(int(x + 18), int(y + 11), f"{name}: {n} ({share:.0f} %)")
            y += metrics.height() + 8


class IncomeChart(Chart):
    """Expected credits on their paydays (bars) and the collection window after them (shaded)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.days = CategoryAxis("bottom")
        super().__init__({"bottom": self.days, "left": SuffixAxis("left", "")}, parent)
        self.setMinimumHeight(160)
        self.days.set_labels([str(d) if d % 5 == 0 or d == 1 else "" for d in DAYS])
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=colour(CURRENT),
                                    pen=pg.mkPen(None))  # fmt: skip
        self.addItem(self.bars)
        self.windows: list[pg.LinearRegionItem] = []

    def set_pattern(self, income: IncomePattern, digits: int) -> None:
        for region in self.windows:
            self.removeItem(region)
        self.windows = []
        paydays = list(income.paydays)
        known = bool(paydays) and income.typical_day is not None
        amount = income.typical_amount_minor / 10**digits  # plotting only
        height = amount if amount else 1.0  # approved payments say when, not how much
        slots = [d - 1 for d in paydays] if known else []
        self.bars.setOpts(x=slots, height=[height] * len(slots))
        self.tooltips = [f"Day {d}" for d in DAYS]
        for day in paydays if known else []:
            start, end = day - 1 + START_AFTER_PAYDAY, day - 1 + END_AFTER_PAYDAY
            region = pg.LinearRegionItem((start - 0.4, min(end, 30) + 0.4), movable=False,
                                         brush=pg.mkBrush(colour("good") + "40"))  # fmt: skip
            region.setZValue(-10)
            self.addItem(region)
            self.windows.append(region)
        item = self.getPlotItem()
        item.setXRange(-0.6, 30.6, padding=0)
        item.setYRange(0, height * 1.15, padding=0)
        item.getAxis("left").setStyle(showValues=False)  # the amount is in the text beside
        self._show_empty(None if known else "No income pattern yet", (15, height / 2))

    def payday_slots(self) -> list[float]:
        return [float(x) + 1 for x in self.bars.opts["x"]]


class SpendingChart(Chart):
    """Days of the month when balances run low (declines for funds) and spending peaks."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.days = CategoryAxis("bottom")
        super().__init__({"bottom": self.days, "left": SuffixAxis("left", "")}, parent)
        self.setMinimumHeight(160)
        self.days.set_labels([str(d) if d % 5 == 0 or d == 1 else "" for d in DAYS])
        self.low = pg.BarGraphItem(x=[], height=[], width=0.7, brush=colour("bad"),
                                   pen=pg.mkPen(None))  # fmt: skip
        self.high = pg.BarGraphItem(x=[], height=[], width=0.7, brush=colour(PREVIOUS),
                                    pen=pg.mkPen(None))  # fmt: skip
        self.addItem(self.low)
        self.addItem(self.high)
        self.getPlotItem().getAxis("left").setStyle(showValues=False)

    def set_days(self, low_balance: Sequence[int], high_spending: Sequence[int]) -> None:
        self.low.setOpts(x=[d - 1 for d in low_balance], height=[1.0] * len(low_balance))
        self.high.setOpts(x=[d - 1 for d in high_spending], height=[0.6] * len(high_spending))
        self.tooltips = [
            f"Day {d}" + (": low balance" if d in low_balance else "")
            + (": high spending" if d in high_spending else "")
            for d in DAYS
        ]  # fmt: skip
        item = self.getPlotItem()
        item.setXRange(-0.6, 30.6, padding=0)
        item.setYRange(0, 1.15, padding=0)
        empty = not low_balance and not high_spending
        self._show_empty("No low-balance or spending days seen" if empty else None, (15, 0.5))

    def marked_days(self) -> tuple[list[int], list[int]]:
        return (
            [int(x) + 1 for x in self.low.opts["x"]],
            [int(x) + 1 for x in self.high.opts["x"]],
        )
