"""The consumer profile's "Plans" tab: each plan with its installments, paid, outstanding and
where each stands (colours from the stylesheet's tones)."""

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from app.domain.plan_compliance import InstallmentState as InstallmentStatus
from app.services.plans import PlanView
from ui.widgets.style import stylesheet_colour

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTRE = Qt.AlignmentFlag.AlignCenter
MONEY_COLUMNS = (2, 3, 4)
STATUS_COLUMN = 5
PLAN_HEADERS = ("Installment", "Due date", "Amount", "Paid", "Outstanding", "Status")
INSTALLMENT_TONE = {  # colours in the stylesheet: QLabel[tone=...]
    InstallmentStatus.PAID: "good",
    InstallmentStatus.OVERDUE: "bad",
    InstallmentStatus.PARTLY_PAID: "warn",
}


class PlanTree(QTreeWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planTree")
        self.setAccessibleName("Payment plans and installments")
        self.setColumnCount(len(PLAN_HEADERS))
        self.setHeaderLabels(PLAN_HEADERS)
        for column in MONEY_COLUMNS:
            self.headerItem().setTextAlignment(column, RIGHT)
        self.headerItem().setTextAlignment(STATUS_COLUMN, CENTRE)
        self.setAlternatingRowColors(True)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setStyleSheet("QTreeWidget::item { padding: 5px 2px; }")

    def show_plans(
        self, plans: list[PlanView], money: Callable[[int], str], day: Callable[[date], str]
    ) -> None:
        self.clear()
        for plan in plans:
            top = QTreeWidgetItem(
                [
                    plan.plan_number,
                    f"since {day(plan.created_on)}",
                    money(plan.total_minor),
                    money(plan.paid_minor),
                    money(plan.outstanding_minor),
                    f"Plan {plan.status.lower()}",
                ]
            )
            font = top.font(0)
            font.setBold(True)
            for column in range(len(PLAN_HEADERS)):
                top.setFont(column, font)
            for inst in plan.installments:
                child = QTreeWidgetItem(
                    [
                        inst.reference,
                        day(inst.due_date),
                        money(inst.amount_minor),
                        money(inst.paid_minor),
                        money(inst.outstanding_minor),
                        inst.status.value,
                    ]
                )
                tone = INSTALLMENT_TONE.get(inst.status)
                if tone:
                    child.setForeground(STATUS_COLUMN, QBrush(stylesheet_colour(tone)))
                top.addChild(child)
            for item in (top, *(top.child(i) for i in range(top.childCount()))):
                for column in MONEY_COLUMNS:
                    item.setTextAlignment(column, RIGHT)
                item.setTextAlignment(STATUS_COLUMN, CENTRE)
            self.addTopLevelItem(top)
            top.setExpanded(True)
