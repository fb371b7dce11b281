"""Offer a payment plan from a case: installments, frequency and an optional down payment."""

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

FREQUENCIES = (("Monthly", "monthly"), ("Every two weeks", "biweekly"), ("Weekly", "weekly"))


class PlanOfferDialog(QDialog):
    """The plan's terms; the service checks them (sums, minimum installment) on OK."""

    def __init__(self, case_id: str, owed: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("casePlanDialog")
        self.setWindowTitle(f"Offer a payment plan for case {case_id}")
        self.count = QSpinBox()
        self.count.setObjectName("casePlanInstallments")
        self.count.setAccessibleName("Installments")
        self.count.setRange(2, 60)
        self.count.setValue(3)
        self.frequency = QComboBox()
        self.frequency.setObjectName("casePlanFrequency")
        self.frequency.setAccessibleName("Frequency")
        for text, value in FREQUENCIES:
            self.frequency.addItem(text, value)
        self.down = QLineEdit()
        self.down.setObjectName("casePlanDown")
        self.down.setAccessibleName("Down payment")
        self.down.setPlaceholderText("0.00 (none)")
        hint = QLabel(f"Owed: {owed}. The consumer's acceptance is recorded separately.")
        hint.setProperty("role", "muted")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Offer")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Installments", self.count)
        form.addRow("&Frequency", self.frequency)
        form.addRow("&Down payment", self.down)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.count.setFocus()

    def terms(self) -> tuple[int, str, str]:
        """(installments, frequency, down payment as typed)."""
        return self.count.value(), self.frequency.currentData(), self.down.text().strip()
