"""Settings > Payments: the channels and payment methods the counter offers, how much
overpayment may be kept as credit, and bank reconciliation's date window and alert hours."""

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.settings import METHOD_KINDS, Settings
from ui.screens.settings_fields import (
    SettingsSection,
    label,
    lines_edit,
    lines_of,
    money_edit,
    money_text,
)

KIND_LABELS = {
    "cash": "Cash (change, drawer)",
    "card": "Card",
    "cheque": "Cheque",
    "transfer": "Bank transfer",
    "wallet": "Wallet",
}


RECONCILIATION_KEYS = ("reconciliation_window_days", "payment_alert_hours")


def _spin_box(name: str, accessible: str, top: int, suffix: str) -> QSpinBox:
    box = QSpinBox()
    box.setObjectName(name)
    box.setAccessibleName(accessible)
    box.setRange(0, top)
    box.setSuffix(suffix)
    box.setMaximumWidth(120)
    return box


class PaymentsSection(SettingsSection):
    title = "Payments"
    name = "settingsPayments"

    def __init__(self) -> None:
        super().__init__()
        self.channels = lines_edit("channels", "Channels, one per line", height=110)
        self.add_row(
            "&Channels", "channels", self.channels, label("channelsNote", "one per line", "muted")
        )
        self.default_channel = QComboBox()
        self.default_channel.setObjectName("defaultChannel")
        self.default_channel.setAccessibleName("Default channel")
        self.default_channel.setFixedWidth(260)
        self.add_row("&Default channel", "default_channel", self.default_channel)
        self.add_row("Payment &methods", "methods", self._methods_box())
        self.overpayment = money_edit("overpaymentThreshold", "Allowable overpayment")
        self.add_row(
            "Allowable &overpayment",
            "overpayment_threshold_minor",
            self.overpayment,
            label("overpaymentNote", "kept as credit; more is refused", "muted"),
        )
        self.notes_limit = QSpinBox()
        self.notes_limit.setObjectName("notesLimit")
        self.notes_limit.setAccessibleName("Notes limit in characters")
        self.notes_limit.setRange(1, 2000)
        self.notes_limit.setSuffix(" characters")
        self.notes_limit.setMaximumWidth(180)
        self.add_row("&Notes limit", "notes_max_length", self.notes_limit)
        self._reconciliation_rows()
        self.channels.textChanged.connect(self.on_channels_text_changed)
        self.changed_signal(
            self.channels.textChanged,
            self.default_channel.activated,
            self.overpayment.textEdited,
            self.notes_limit.valueChanged,
            self.reconciliation_window.valueChanged,
            self.payment_alert_hours.valueChanged,
        )

    def _reconciliation_rows(self) -> None:
        """Bank reconciliation's two knobs on one line (the section must fit 768 pixels). The
        boxes take more than the rules allow so that a wrong value is explained beside them
        (settings_problems) instead of clamped."""
        self.reconciliation_window = _spin_box(
            "reconciliationWindowDays", "Reconciliation date window in days", 999, " days"
        )
        self.payment_alert_hours = _spin_box(
            "paymentAlertHours", "Online payment alert after hours", 99_999, " hours"
        )
        box = QWidget()
        line = QHBoxLayout(box)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.reconciliation_window)
        alert = label("paymentAlertCaption", "&alert on online payments Pending or Failed for")
        alert.setBuddy(self.payment_alert_hours)
        line.addWidget(alert)
        line.addWidget(self.payment_alert_hours)
        line.addStretch(1)
        row = self.add_row("Reconciliation &window", RECONCILIATION_KEYS[0], box)
        row.editor = self.reconciliation_window  # the first error's focus goes here
        caption = self.form.labelForField(row)
        if isinstance(caption, QLabel):
            caption.setBuddy(self.reconciliation_window)
        self.rows[RECONCILIATION_KEYS[1]] = row  # one line shows both keys' messages

    def show_problems(self, problems: dict[str, str]) -> None:
        shown = dict(problems)
        messages = [m for m in (shown.pop(k, None) for k in RECONCILIATION_KEYS) if m]
        for key, row in self.rows.items():
            if key not in RECONCILIATION_KEYS:
                row.show_error(shown.get(key))
        self.rows[RECONCILIATION_KEYS[0]].show_error(" ".join(messages) or None)

    def _methods_box(self) -> QWidget:
        box = QWidget()
        self.methods = QTableWidget(0, 2)
        self.methods.setObjectName("methodsTable")
        self.methods.setAccessibleName("Payment methods")
        self.methods.setHorizontalHeaderLabels(["Name", "Kind"])
        self.methods.verticalHeader().setVisible(False)
        self.methods.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Tab goes on to each method's kind and then the fields below (the table kept it, cell
        # after cell); the arrows move between the methods, typing renames one.
        self.methods.setTabKeyNavigation(False)
        self.methods.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.methods.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.methods.setFixedSize(480, 250)
        self.methods.itemChanged.connect(lambda _item: self.edited.emit())
        self.add_method_button = QPushButton("Add method")
        self.add_method_button.setObjectName("addMethodButton")
        self.add_method_button.clicked.connect(self.on_add_method_button_clicked)
        self.remove_method_button = QPushButton("Remove method")
        self.remove_method_button.setObjectName("removeMethodButton")
        self.remove_method_button.clicked.connect(self.on_remove_method_button_clicked)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_method_button)
        buttons.addWidget(self.remove_method_button)
        buttons.addStretch(1)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.methods)
        row.addLayout(buttons)
        row.addStretch(1)
        return box

    # -- the section's contract ------------------------------------------------------------
    def load(self, settings: Settings) -> None:
        super().load(settings)
        self.channels.setPlainText("\n".join(settings.channels))
        self._fill_default(settings.default_channel)
        self.methods.setRowCount(0)
        for method in settings.methods:
            self._add_method_row(method.name, method.kind)
        self.overpayment.setText(
            money_text(settings.overpayment_threshold_minor, settings.currency)
        )
        self.notes_limit.setValue(settings.notes_max_length)
        self.reconciliation_window.setValue(settings.reconciliation_window_days)
        self.payment_alert_hours.setValue(settings.payment_alert_hours)

    def values(self) -> dict[str, Any]:
        currency = self.loaded.currency if self.loaded else "USD"
        values: dict[str, Any] = {
            "channels": lines_of(self.channels),
            "default_channel": self.default_channel.currentText(),
            "methods": self._methods(),
            "notes_max_length": self.notes_limit.value(),
            "reconciliation_window_days": self.reconciliation_window.value(),
            "payment_alert_hours": self.payment_alert_hours.value(),
        }
        overpayment = self.money_value(
            "overpayment_threshold_minor", self.overpayment, "The overpayment threshold", currency
        )
        if overpayment is not None:
            values["overpayment_threshold_minor"] = overpayment
        return values

    # -- channels and methods ----------------------------------------------------------------
    def on_channels_text_changed(self) -> None:
        self._fill_default(self.default_channel.currentText())

    def _fill_default(self, chosen: str) -> None:
        self.default_channel.blockSignals(True)
        self.default_channel.clear()
        self.default_channel.addItems(lines_of(self.channels))
        index = self.default_channel.findText(chosen)
        self.default_channel.setCurrentIndex(max(index, 0))
        self.default_channel.blockSignals(False)

    def _add_method_row(self, name: str, kind: str) -> None:
        row = self.methods.rowCount()
        self.methods.blockSignals(True)  # the row is not whole until its kind box is in
        self.methods.insertRow(row)
        self.methods.setItem(row, 0, QTableWidgetItem(name))
        self.methods.blockSignals(False)
        kinds = QComboBox()
        kinds.setObjectName(f"methodKind{row}")
        kinds.setAccessibleName(f"Kind of payment method {row + 1}")
        for value in METHOD_KINDS:
            kinds.addItem(KIND_LABELS[value], value)
        kinds.setCurrentIndex(max(kinds.findData(kind), 0))
        kinds.activated.connect(lambda _i: self.edited.emit())
        self.methods.setCellWidget(row, 1, kinds)
        # Tab order: the table, each method's kind in turn, then Add method.
        previous = self.methods.cellWidget(row - 1, 1) if row else self.methods
        QWidget.setTabOrder(previous or self.methods, kinds)
        QWidget.setTabOrder(kinds, self.add_method_button)

    def _methods(self) -> list[dict[str, str]]:
        self._commit_open_editor()
        methods = []
        for row in range(self.methods.rowCount()):
            item = self.methods.item(row, 0)
            kinds = self.methods.cellWidget(row, 1)
            methods.append(
                {
                    "name": (item.text() if item else "").strip(),
                    "kind": kinds.currentData() if kinds else "card",
                }
            )
        return methods

    def _commit_open_editor(self) -> None:
        """A name still being typed counts: Ctrl+S does not wait for Return."""
        if self.methods.state() != QAbstractItemView.State.EditingState:
            return
        editor = QApplication.focusWidget()
        if editor is not None and self.methods.isAncestorOf(editor):
            self.methods.commitData(editor)

    def on_add_method_button_clicked(self) -> None:
        self._add_method_row("", "card")
        row = self.methods.rowCount() - 1
        self.methods.setCurrentCell(row, 0)
        self.methods.setFocus()
        self.methods.editItem(self.methods.item(row, 0))
        self.edited.emit()

    def on_remove_method_button_clicked(self) -> None:
        row = self.methods.currentRow()
        if row >= 0:
            self.methods.removeRow(row)
            self.edited.emit()
