"""The All Payments table: rows arrive a page at a time as the view scrolls (keyset paging)."""

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from app.services.payments_list import PaymentPage, PaymentQuery, PaymentRow, list_payments
from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.widgets.row_actions import MORE_NAME, MORE_TEXT, MORE_TIP, more_font
from ui.widgets.style import stylesheet_colour

RECEIPT, CONSUMER, AMOUNT, METHOD, DATE, TYPE, STATUS, MORE = range(8)
HEADERS = ("Receipt #", "Consumer", "Amount", "Method", "Date", "Type", "Status", "")
PAGE_SIZE = 100
LINK_TONE = "link"  # its colour is in resources/styles/tilldesk.qss


def _link_font() -> QFont:
    font = QFont()
    font.setUnderline(True)
    return font


Index = QModelIndex | QPersistentModelIndex


class PaymentsModel(QAbstractTableModel):
    loaded = Signal(int)  # rows now held, after each page
    failed = Signal(str)

    def __init__(
        self, context: ClientContext, parent: Any = None, *, with_actions: bool = False
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._columns = len(HEADERS) if with_actions else MORE  # the ⋮ column, when wired
        self._query = PaymentQuery(limit=PAGE_SIZE)
        self._rows: list[PaymentRow] = []
        self._next: Any = None
        self._more = False
        self._loading = False
        self._generation = 0  # answers for an older query are dropped
        self.cashier_name: str | None = None  # the cashier filter by name, once loaded

    # -- what to show ----------------------------------------------------------------
    def set_query(self, query: PaymentQuery) -> None:
        self._query = replace(query, limit=PAGE_SIZE, after=None)
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        self._loading = False
        self._load(after=None, generation=self._generation)

    def row_at(self, row: int) -> PaymentRow:
        return self._rows[row]

    @property
    def more_pages(self) -> bool:
        """Whether more rows match than are loaded (scrolling loads them)."""
        return self._more

    # -- lazy loading --------------------------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._load(after=self._next, generation=self._generation)

    def _load(self, *, after: Any, generation: int) -> None:
        self._loading = True
        query = replace(self._query, after=after)
        counter = self._context.counter
        ServiceOp(self, lambda: list_payments(counter.read(), query), read=True).success(
            lambda page: self._arrived(page, generation, first=after is None)
        ).failure(lambda error: self._failed(error, generation)).run()

    def _arrived(self, page: PaymentPage, generation: int, *, first: bool) -> None:
        if generation != self._generation:
            return
        self._loading = False
        if first:
            self.cashier_name = page.cashier_name
            self.beginResetModel()
            self._rows = list(page.rows)
            self.endResetModel()
        elif page.rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()
        self._next = page.next_after
        self._more = page.next_after is not None
        self.loaded.emit(len(self._rows))

    def _failed(self, error: Exception, generation: int) -> None:
        if generation == self._generation:
            self._loading = False
            self.failed.emit(str(error))

    # -- Qt model ------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._columns

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return MORE_TIP if section == MORE else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return MORE_NAME if column == MORE else self._text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == AMOUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == MORE:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.FontRole and column == MORE:
            return more_font()
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if column in (RECEIPT, CONSUMER) and role == Qt.ItemDataRole.ForegroundRole:
            return stylesheet_colour(LINK_TONE)
        if column in (RECEIPT, CONSUMER) and role == Qt.ItemDataRole.FontRole:
            return _link_font()
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    def _tooltip(self, row: PaymentRow, column: int) -> str | None:
        """The whole text of a cell that may be elided, and what a click does."""
        if column == RECEIPT:
            return f"{row.receipt_number}: open the payment details (Enter)"
        if column == CONSUMER:
            return f"{self._text(row, CONSUMER)}: open the consumer profile"
        if column == MORE:
            return MORE_TIP
        return self._text(row, column)

    def _text(self, row: PaymentRow, column: int) -> str:
        match column:
            case 0:
                return row.receipt_number
            case 1:
                return f"{row.consumer_name} ({row.account_number})"
            case 2:
                return self._context.money(row.amount_minor)
            case 3:
                return row.method
            case 4:
                return self._context.day(row.payment_date)
            case 5:
                return row.payment_type
            case 6:
                return row.status
            case _:
                return MORE_TEXT
