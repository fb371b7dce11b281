"""pyqtgraph charts for the dashboards: category bars, days against a previous period, trends."""

import math
from collections.abc import Sequence
from decimal import Decimal

import pyqtgraph as pg
from babel.numbers import format_compact_currency
from PySide6.QtCore import QPointF, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.style import stylesheet_colour

# Series tones: their colours are in the stylesheet (QLabel[tone="chartCurrent"] ...).
CURRENT = "chartCurrent"
PREVIOUS = "chartPrevious"
RATE = "chartRate"
DAYS = "chartDays"
AXIS = "chartAxis"
TEXT = "chartText"
BAR_SHARE = 0.62  # of the slot each bar takes; the rest is air between bars


def colour(tone: str) -> str:
    """A series tone's colour as the stylesheet says, as pyqtgraph takes it."""
    return stylesheet_colour(tone).name()


def major_units(minor: int, digits: int) -> float:
    """Plotting coordinates only: money itself stays in integer minor units."""
    return minor / 10**digits


class MoneyAxis(pg.AxisItem):
    """Compact amounts in the service center's currency: $950, $1.2K, $3.4M, ₹12.3L."""

    def __init__(self, orientation: str, currency: str, locale: str) -> None:
        super().__init__(orientation)
        self.currency, self.locale = currency, locale
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [
            # Rounded first: 0.6000000000000001 would be printed as it is.
            format_compact_currency(
                round(v, 2), self.currency, locale=self.locale, fraction_digits=1
            )
            for v in values
        ]

    def fit(self, top: float) -> None:
        """A side axis wide enough for its longest amount, from the first paint on."""
        if self.orientation in ("left", "right"):
            text = self.tickStrings([top], 1.0, 1.0)[0]
            self.setWidth(
                QFontMetrics(self.style.get("tickFont") or QFont()).horizontalAdvance(text) + 16
            )


class SuffixAxis(pg.AxisItem):
    """Plain numbers with a unit: 95%, 12 d."""

    def __init__(self, orientation: str, suffix: str) -> None:
        super().__init__(orientation)
        self.suffix = suffix
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"{v:g}{self.suffix}" for v in values]


class CategoryAxis(pg.AxisItem):
    """Names one slot per bar or point, thinning the names out when they would collide."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.labels: list[str] = []
        self.enableAutoSIPrefix(False)

    def set_labels(self, labels: Sequence[str]) -> None:
        self.labels = list(labels)
        if self.orientation in ("left", "right") and self.labels:
            metrics = QFontMetrics(self.style.get("tickFont") or QFont())
            self.setWidth(max(metrics.horizontalAdvance(label) for label in self.labels) + 16)
        self.picture = None
        self.update()

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        if not self.labels or size <= 0:
            return []
        minVal, maxVal = sorted((minVal, maxVal))  # an inverted axis swaps them
        metrics = QFontMetrics(self.style.get("tickFont") or QFont())
        if self.orientation in ("left", "right"):
            needed = metrics.height() * 1.2
        else:
            needed = max(metrics.horizontalAdvance(label) for label in self.labels) + 12
        slots = max(1.0, maxVal - minVal)
        step = max(1, math.ceil(needed / (size / slots)))
        first, last = max(0, math.ceil(minVal)), min(len(self.labels) - 1, math.floor(maxVal))
        return [(float(step), [float(i) for i in range(first, last + 1) if i % step == 0])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        names = []
        for value in values:
            index = round(value)
            names.append(self.labels[index] if 0 <= index < len(self.labels) else "")
        return names


class _Chart(pg.PlotWidget):
    """A plot with no panning or zooming; a click or hover names the slot under the mouse."""

    slot_axis = "x"

    def __init__(self, axes: dict[str, pg.AxisItem], parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w", axisItems=axes)
        self.setMinimumHeight(220)
        self.tooltips: list[str] = []
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.showGrid(x=self.slot_axis == "y", y=self.slot_axis == "x", alpha=0.15)
        for axis in axes.values():
            axis.setPen(pg.mkPen(colour(AXIS)))
            axis.setTextPen(pg.mkPen(colour(TEXT)))
        self.empty = pg.TextItem("", color=colour(AXIS), anchor=(0.5, 0.5))
        item.addItem(self.empty, ignoreBounds=True)
        self.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.scene().sigMouseMoved.connect(self._on_scene_moved)

    def set_money(self, currency: str, locale: str, digits: int) -> None:
        """The amounts' currency, when settings change it."""
        axis = getattr(self, "money_axis", None)
        if axis is not None:
            axis.currency, axis.locale = currency, locale
            axis.picture = None
        self.digits = digits

    def slot_at(self, scene_pos: QPointF) -> int | None:
        point = self.getPlotItem().vb.mapSceneToView(scene_pos)
        if not self.getPlotItem().vb.sceneBoundingRect().contains(scene_pos):
            return None
        value = point.y() if self.slot_axis == "y" else point.x()
        index = round(value)
        if 0 <= index < len(self.tooltips) and abs(value - index) <= 0.5:
            return index
        return None

    def slot_clicked(self, index: int) -> None:
        """What a click on slot `index` does; the subclasses emit their signal."""

    def _on_scene_clicked(self, event: object) -> None:
        index = self.slot_at(event.scenePos())  # type: ignore[attr-defined]
        if index is not None:
            self.slot_clicked(index)

    def _on_scene_moved(self, scene_pos: QPointF) -> None:
        index = self.slot_at(scene_pos)
        if index is None:
            QToolTip.hideText()
            return
        where = self.mapToGlobal(self.mapFromScene(scene_pos))
        QToolTip.showText(where, self.tooltips[index], self)

    def _show_empty(self, message: str | None, center: tuple[float, float]) -> None:
        self.empty.setText(message or "")
        self.empty.setPos(*center)


class CategoryBarChart(_Chart):
    """Horizontal bars, one per method, channel, type or cashier, largest on top."""

    bar_clicked = Signal(int)
    slot_axis = "y"

    def __init__(
        self, currency: str, locale: str, digits: int, parent: QWidget | None = None
    ) -> None:
        self.names = CategoryAxis("left")
        self.money_axis = MoneyAxis("bottom", currency, locale)
        super().__init__({"left": self.names, "bottom": self.money_axis}, parent)
        self.digits = digits
        self.values_minor: list[int] = []
        self.bars = pg.BarGraphItem(
            x0=[], y=[], height=BAR_SHARE, width=[], brush=colour(CURRENT), pen=pg.mkPen(None)
        )
        self.addItem(self.bars)

    def set_bars(
        self, labels: Sequence[str], values_minor: Sequence[int], tooltips: list[str]
    ) -> None:
        # Slot 0 is drawn at the top, so the first (largest) category reads first.
        self.values_minor, self.tooltips = list(values_minor), tooltips
        count = len(labels)
        self.names.set_labels(list(labels))
        widths = [major_units(v, self.digits) for v in values_minor]
        self.bars.setOpts(x0=[0.0] * count, y=list(range(count)), width=widths)
        top = max(widths, default=0.0) or 1.0
        item = self.getPlotItem()
        item.invertY(True)
        item.setYRange(-0.6, max(count, 1) - 0.4, padding=0)
        item.setXRange(0, top * 1.08, padding=0)
        self.money_axis.setStyle(showValues=any(values_minor))  # no "$0.2" scale for nothing
        self._show_empty(None if any(values_minor) else "No payments", (top / 2, count / 2 - 0.5))

    def bar_lengths(self) -> list[float]:
        return [float(w) for w in self.bars.opts["width"]]

    def slot_clicked(self, index: int) -> None:
        self.bar_clicked.emit(index)


class DailyChart(_Chart):
    """Bars for each day of the period, a line for the same day offset in the previous one."""

    bar_clicked = Signal(int)

    def __init__(
        self, currency: str, locale: str, digits: int, parent: QWidget | None = None
    ) -> None:
        self.days = CategoryAxis("bottom")
        self.money_axis = MoneyAxis("left", currency, locale)
        super().__init__({"bottom": self.days, "left": self.money_axis}, parent)
        self.digits = digits
        self.bars = pg.BarGraphItem(
            x=[], height=[], width=BAR_SHARE, brush=colour(CURRENT), pen=pg.mkPen(None)
        )
        self.addItem(self.bars)
        self.previous = pg.PlotDataItem(
            [],
            [],
            pen=pg.mkPen(colour(PREVIOUS), width=2),
            symbol="o",
            symbolSize=5,
            symbolBrush=colour(PREVIOUS),
            symbolPen=pg.mkPen(colour(PREVIOUS)),
            connect="finite",
        )
        self.addItem(self.previous)

    def set_days(
        self,
        labels: Sequence[str],
        current_minor: Sequence[int],
        previous_minor: Sequence[int | None],
        tooltips: list[str],
    ) -> None:
        self.tooltips = tooltips
        slots = list(range(len(labels)))
        heights = [major_units(v, self.digits) for v in current_minor]
        before = [math.nan if v is None else major_units(v, self.digits) for v in previous_minor]
        self.days.set_labels(labels)
        self.bars.setOpts(x=slots, height=heights)
        # Dots vanish on long periods, where they would only blur the line.
        self.previous.setSymbol("o" if len(slots) <= 45 else None)
        self.previous.setData(slots, before)
        top = max([*heights, *(v for v in before if not math.isnan(v))], default=0.0) or 1.0
        item = self.getPlotItem()
        item.setXRange(-0.6, max(len(slots), 1) - 0.4, padding=0)
        item.setYRange(0, top * 1.08, padding=0)
        self.money_axis.fit(top)
        empty = not any(current_minor) and not any(previous_minor)
        self.money_axis.setStyle(showValues=not empty)
        self._show_empty("No payments" if empty else None, (len(slots) / 2 - 0.5, top / 2))

    def bar_heights(self) -> list[float]:
        return [float(h) for h in self.bars.opts["height"]]

    def previous_heights(self) -> list[float]:
        return [float(v) for v in self.previous.getData()[1]]

    def slot_clicked(self, index: int) -> None:
        self.bar_clicked.emit(index)


class TrendChart(_Chart):
    """Collection rate (left axis, %) and average collection time (right axis, days)."""

    point_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        self.buckets = CategoryAxis("bottom")
        axes = {"bottom": self.buckets, "left": SuffixAxis("left", "%")}
        super().__init__({**axes, "right": SuffixAxis("right", " d")}, parent)
        item = self.getPlotItem()
        item.getAxis("left").setTextPen(pg.mkPen(colour(RATE)))  # the axes take their line's colour
        self.rate = self._line(RATE)
        item.addItem(self.rate)
        # The days line lives in its own view box, scaled against the right-hand axis.
        self.days_view = pg.ViewBox(enableMouse=False)
        item.showAxis("right")
        right = item.getAxis("right")
        right.setTextPen(pg.mkPen(colour(DAYS)))
        item.scene().addItem(self.days_view)
        right.linkToView(self.days_view)
        self.days_view.setXLink(item.vb)
        self.days = self._line(DAYS)
        self.days_view.addItem(self.days)
        item.vb.sigResized.connect(self._align_views)

    @staticmethod
    def _line(tone: str) -> pg.PlotDataItem:
        pen = colour(tone)
        return pg.PlotDataItem(
            [],
            [],
            pen=pg.mkPen(pen, width=2),
            symbol="o",
            symbolSize=6,
            symbolBrush=pen,
            symbolPen=pg.mkPen(pen),
            connect="finite",
        )

    def _align_views(self) -> None:
        self.days_view.setGeometry(self.getPlotItem().vb.sceneBoundingRect())
        self.days_view.linkedViewChanged(self.getPlotItem().vb, self.days_view.XAxis)

    def set_points(
        self,
        labels: Sequence[str],
        rates: Sequence[Decimal | None],
        days: Sequence[Decimal | None],
        tooltips: list[str],
    ) -> None:
        self.tooltips = tooltips
        slots = list(range(len(labels)))
        rate_values = [math.nan if r is None else float(r) for r in rates]
        day_values = [math.nan if d is None else float(d) for d in days]
        self.buckets.set_labels(labels)
        finite = [v for v in rate_values if not math.isnan(v)]
        finite_days = [v for v in day_values if not math.isnan(v)]
        # A line with no point at all is cleared, not fed NaNs (numpy warns on all-NaN bounds).
        self.rate.setData(slots if finite else [], rate_values if finite else [])
        self.days.setData(slots if finite_days else [], day_values if finite_days else [])
        self.getPlotItem().setXRange(-0.5, max(len(slots), 1) - 0.5, padding=0)
        self.getPlotItem().setYRange(0, max([*finite, 100.0]) * 1.08, padding=0)
        self.days_view.setYRange(0, (max(finite_days, default=0.0) or 10.0) * 1.15, padding=0)
        self._align_views()
        empty = not finite and not finite_days
        self._show_empty("Nothing due or collected" if empty else None, (len(slots) / 2, 50))

    def series(self) -> tuple[list[float], list[float]]:
        """The plotted rates and days, NaN where a bucket has none."""

        def values(line: pg.PlotDataItem) -> list[float]:
            ys = line.getData()[1]
            return [] if ys is None else [float(v) for v in ys]

        return values(self.rate), values(self.days)

    def slot_clicked(self, index: int) -> None:
        self.point_clicked.emit(index)


class ChartCard(QFrame):
    """A titled card holding one chart, its legend and an Export CSV button."""

    export_requested = Signal(str)  # the chart's key: 'daily', 'method', ...

    def __init__(
        self, key: str, title: str, chart: _Chart, legend: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.key, self.chart = key, chart
        self.setObjectName(f"{key}Card")
        self.setProperty("role", "card")
        self.setAccessibleName(title)
        chart.setObjectName(f"{key}Chart")
        chart.setAccessibleName(f"{title} chart")
        heading = QLabel(title)
        heading.setProperty("role", "subheading")
        self.legend = QLabel(legend)
        self.legend.setProperty("role", "muted")
        self.export_button = QPushButton("Export CSV")
        self.export_button.setObjectName(f"{key}Export")
        self.export_button.setAccessibleName(f"Export {title} as CSV")
        self.export_button.clicked.connect(lambda: self.export_requested.emit(self.key))
        if not legend:  # never setVisible(True) before the label has a parent: it would pop up
            self.legend.hide()
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(heading)
        titles.addWidget(self.legend)
        top = QHBoxLayout()
        top.addLayout(titles, 1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(top)
        layout.addWidget(chart, 1)


def legend_html(*entries: tuple[str, str]) -> str:
    """'■ This period  ● Previous period' in the series' own colours; entries are (tone, text)."""
    return "&nbsp;&nbsp;".join(
        f'<span style="color:{colour(tone)}">■</span> {text}' for tone, text in entries
    )
