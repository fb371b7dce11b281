"""A header KPI tile: title, value, and the change against the previous period."""

from decimal import Decimal

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


class KpiTile(QFrame):
    def __init__(self, name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"kpi_{name}")
        self.setProperty("role", "kpi")
        self.setAccessibleName(title)
        self.title = QLabel(title)
        self.title.setProperty("role", "kpiTitle")
        self.value = QLabel("…")
        self.value.setObjectName(f"kpi_{name}_value")
        self.value.setProperty("role", "kpiValue")
        self.change = QLabel("")
        self.change.setObjectName(f"kpi_{name}_change")
        self.change.setProperty("role", "kpiChange")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(2)
        for label in (self.title, self.value, self.change):
            layout.addWidget(label)

    def show_value(
        self, value: str, change: Decimal | None, against: str, *, higher_is_better: bool = True
    ) -> None:
        self.value.setText(value)
        if change is None:
            self.change.setText(f"no comparison with {against}")
            self.change.setProperty("trend", "flat")
        else:
            arrow = "▲" if change > 0 else ("▼" if change < 0 else "■")
            sign = "+" if change > 0 else ""
            self.change.setText(f"{arrow} {sign}{change}% vs {against}")
            good = (change >= 0) == higher_is_better
            self.change.setProperty("trend", "good" if good else "bad")
        self.change.style().unpolish(self.change)
        self.change.style().polish(self.change)
        self.setAccessibleDescription(f"{value}, {self.change.text()}")
