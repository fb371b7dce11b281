"""Pieces of the record-payment form: search results, account details, the unpaid items list."""

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from app.domain.payments import PaymentType
from app.services.consumers import ConsumerAccount, ConsumerHit, UnpaidItem

ACCOUNT_ROLE = Qt.ItemDataRole.UserRole


def error_label(name: str) -> QLabel:
    """The reason a field is refused, shown right under it."""
    label = QLabel("")
    label.setObjectName(name)
    label.setProperty("role", "error")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def show_error(field: QWidget, label: QLabel, message: str | None) -> None:
    """Mark the field invalid (red border) and say why beside it; clear both when fine."""
    invalid = bool(message)
    if field.property("invalid") != invalid:
        field.setProperty("invalid", invalid)
        field.style().unpolish(field)
        field.style().polish(field)
    label.setText(message or "")
    label.setVisible(invalid)
    label.setAccessibleName(message or "")


def repolish(widget: QWidget, **properties: object) -> None:
    for key, value in properties.items():
        widget.setProperty(key, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class ConsumerResults(QListWidget):
    """Consumers matching the search box; Enter or a click picks one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consumerResults")
        self.setAccessibleName("Matching consumers")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformItemSizes(True)

    def show_hits(self, hits: list[ConsumerHit]) -> None:
        self.clear()
        for hit in hits:
            item = QListWidgetItem(f"{hit.name}  ·  {hit.account_number}\n{hit.service_address}")
            item.setData(ACCOUNT_ROLE, hit.account_number)
            item.setToolTip(hit.phone or "")
            self.addItem(item)
        if hits:
            self.setCurrentRow(0)
        rows = min(max(len(hits), 1), 4)  # as tall as the hits, up to four, then it scrolls
        self.setFixedHeight(rows * max(self.sizeHintForRow(0), 36) + 2 * self.frameWidth() + 4)

    def account_at(self, row: int) -> str | None:
        item = self.item(row)
        return None if item is None else item.data(ACCOUNT_ROLE)


class AccountPanel(QFrame):
    """Name, account number, service address, phone, email and the current balance."""

    FIELDS = (
        ("name", "Name"),
        ("account", "Account number"),
        ("address", "Service address"),
        ("phone", "Phone"),
        ("email", "Email"),
        ("balance", "Current balance"),
        ("credit", "Credit available"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountDetails")
        self.setAccessibleName("Account details")
        self.setProperty("role", "card")
        grid = QGridLayout(self)
        grid.setContentsMargins(14, 12, 14, 12)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(6)
        self.values: dict[str, QLabel] = {}
        for row, (key, caption) in enumerate(self.FIELDS):
            label = QLabel(caption)
            label.setProperty("role", "muted")
            value = QLabel("—")
            value.setObjectName(f"account_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, 1)
            self.values[key] = value
        self.notice = QLabel("")
        self.notice.setObjectName("accountNotice")
        self.notice.setWordWrap(True)
        self.notice.setProperty("role", "muted")
        grid.addWidget(self.notice, len(self.FIELDS), 0, 1, 2)
        grid.setColumnStretch(1, 1)
        self.show_account(None, str)

    def show_account(self, account: ConsumerAccount | None, money: Callable[[int], str]) -> None:
        if account is None:
            for value in self.values.values():
                value.setText("—")
            self.notice.setText("Search for a consumer to see the account.")
            repolish(self.notice, role="muted")
            return
        v = self.values
        v["name"].setText(account.name)
        v["account"].setText(account.account_number)
        v["address"].setText(account.service_address)
        v["phone"].setText(account.phone or "—")
        v["email"].setText(account.email or "—")
        balance = money(account.balance_minor)
        v["balance"].setText(f"{balance}  (provisional)" if account.provisional else balance)
        v["credit"].setText(money(account.credit_available_minor))
        if account.status != "Active":
            self.notice.setText(
                f"ACCOUNT {account.status.upper()}: payments are taken (for example the "
                "reconnection fee); tell the consumer the account's status."
            )
            repolish(self.notice, role="error")
        elif account.provisional:
            self.notice.setText(
                "Provisional: includes payments from this counter not yet sent to the office."
            )
            repolish(self.notice, role="muted")
        else:
            self.notice.setText("")


KIND_NAMES = {
    PaymentType.BILL: "unpaid bills",
    PaymentType.SERVICE: "unpaid services",
    PaymentType.INSTALLMENT: "unpaid installments",
}


class UnpaidItemsList(QTreeWidget):
    """The unpaid items of one payment type; Space ticks an item, the first comes ticked."""

    checked_changed = Signal()

    COLUMNS = ("Item", "Details", "Due", "Outstanding")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unpaidItems")
        self.setAccessibleName("Unpaid items to pay")
        self.setColumnCount(len(self.COLUMNS))
        self.setHeaderLabels(list(self.COLUMNS))
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self._items: list[UnpaidItem] = []
        self.itemChanged.connect(self.on_self_item_changed)

    def show_items(
        self,
        items: list[UnpaidItem],
        money: Callable[[int], str],
        day: Callable[..., str],
        checked_reference: str | None = None,
    ) -> None:
        """Show the items; tick the one a scanner named, else the first (oldest due).

        A named item that is not unpaid any more ticks nothing: the cashier chooses.
        """
        references = [i.reference.casefold() for i in items]
        wanted = (checked_reference or "").casefold()
        ticked = references.index(wanted) if wanted in references else (-1 if wanted else 0)
        self.blockSignals(True)
        self.clear()
        self._items = list(items)
        for index, unpaid in enumerate(items):
            row = QTreeWidgetItem(
                [
                    unpaid.reference,
                    unpaid.description,
                    day(unpaid.due_date),
                    money(unpaid.outstanding_minor),
                ]
            )
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            row.setCheckState(
                0, Qt.CheckState.Checked if index == ticked else Qt.CheckState.Unchecked
            )
            row.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if unpaid.paid_minor:
                row.setToolTip(3, f"{money(unpaid.amount_minor)} less {money(unpaid.paid_minor)}")
            self.addTopLevelItem(row)
        if items:
            self.setCurrentItem(self.topLevelItem(max(ticked, 0)), 0)
        self.blockSignals(False)
        self.checked_changed.emit()

    def checked_items(self) -> tuple[UnpaidItem, ...]:
        return tuple(
            unpaid
            for index, unpaid in enumerate(self._items)
            if self.topLevelItem(index).checkState(0) == Qt.CheckState.Checked
        )

    def on_self_item_changed(self, _item: QTreeWidgetItem, column: int) -> None:
        if column == 0:
            self.checked_changed.emit()
