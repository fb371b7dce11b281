"""A header KPI tile: title, value, and the change against the previous period."""

from decimal import Decimal

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.services.kpis import HeaderKpis

RATE_TIP = (
    "Collection rate: posted payments dated in the period against the bills, service "
    "charges and installments falling due in it."
)
ARREARS_NOTE = "incl. arrears of earlier periods"
ARREARS_TIP = (
    "More was collected than fell due in this period: collections include arrears of "
    "earlier periods (and bills paid ahead of their due date)."
)


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
        self.change.setWordWrap(True)  # four tiles share 1024 px: the comparison may wrap
        # Says why a figure looks odd (a rate above 100 %); hidden when there is nothing to say.
        self.note = QLabel("")
        self.note.setObjectName(f"kpi_{name}_note")
        self.note.setProperty("role", "muted")
        self.note.setWordWrap(True)
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(2)
        for label in (self.title, self.value, self.change, self.note):
            layout.addWidget(label)
        layout.addStretch(1)

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

    def set_note(self, note: str, tooltip: str) -> None:
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.setToolTip(tooltip)
        described = f"{self.value.text()}, {self.change.text()}"
        self.setAccessibleDescription(f"{described}, {note}" if note else described)

    def show_collection_rate(self, kpis: HeaderKpis, against: str) -> None:
        """The same words on every page that shows the rate (one definition, one text)."""
        rate = kpis.collection_rate
        self.show_value(
            "—" if rate.value is None else f"{rate.value}%", rate.change_percent, against
        )
        if kpis.includes_arrears:
            self.set_note(ARREARS_NOTE, ARREARS_TIP)
        else:
            self.set_note("", RATE_TIP)
