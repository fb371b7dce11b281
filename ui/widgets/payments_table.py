"""The All Payments table: columns sized to their contents, the consumer taking the rest
and eliding in the middle, a ⋮ More actions column; and the line that counts the rows."""

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from app.services.payments_list import PaymentCount
from ui.models.payments_model import CONSUMER, MORE, PaymentsModel
from ui.widgets.row_actions import RowActions


class PaymentsTable(QTableView):
    def __init__(
        self,
        model: PaymentsModel,
        menu_for_row: Callable[[int], QMenu],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("paymentsTable")
        self.setAccessibleName("All payments")
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        # "Jane Wilhelmina … (WU-10001)": the start of the name and the account both show.
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CONSUMER, QHeaderView.ResizeMode.Stretch)
        self.row_actions = RowActions(self, MORE, menu_for_row)


def count_text(shown: int, more_pages: bool, total: PaymentCount | None, filtered: bool) -> str:
    """'100 shown of 1,234' under the table; an empty result says so."""
    if shown == 0:
        if filtered:
            return "No payments match the search and filters."
        return "No payments recorded yet."
    if not more_pages:
        return f"{shown:,} shown" if shown != 1 else "1 shown"
    if total is None:  # still counting
        return f"{shown:,} shown of …"
    if total.more_than:
        return f"{shown:,} shown of more than {total.total:,}"
    return f"{shown:,} shown of {total.total:,}"
