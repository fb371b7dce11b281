"""The Credit Notes tab's table: one page of notes for the current search and status."""

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.services.credit_notes_list import CreditNoteRow
from ui.context import ClientContext

HEADERS = (
    "Credit Note #",
    "Consumer",
    "Amount",
    "Remaining",
    "Reason",
    "Status",
    "Created Date",
    "Linked Payment",
)
AMOUNT, REMAINING = 2, 3
Index = QModelIndex | QPersistentModelIndex


class CreditNotesModel(QAbstractTableModel):
    def __init__(self, context: ClientContext, parent: Any = None) -> None:
        super().__init__(parent)
        self._context = context
        self._rows: list[CreditNoteRow] = []

    def set_rows(self, rows: list[CreditNoteRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> CreditNoteRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        note = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                note.number,
                f"{note.consumer_name} ({note.account_number})",
                self._context.money(note.amount_minor),
                self._context.money(note.remaining_minor),
                note.reason,
                note.status,
                self._context.day(note.created_on),
                note.receipt_number,
            )[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (AMOUNT, REMAINING):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
