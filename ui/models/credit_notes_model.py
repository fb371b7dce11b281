"""Credit-note tables (the Credit Notes tab, the approvals queue) and how statuses look."""

import zlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from app.services.credit_notes_list import CreditNoteRow
from ui.context import ClientContext
from ui.widgets.row_actions import MORE_NAME, MORE_TEXT, MORE_TIP, more_font
from ui.widgets.style import stylesheet_colour, tone_colours

Index = QModelIndex | QPersistentModelIndex
Cell = Callable[[CreditNoteRow, ClientContext], str]

# key -> (header, text of the cell)
COLUMNS: dict[str, tuple[str, Cell]] = {
    "number": ("Credit Note #", lambda n, c: n.number),
    "consumer": ("Consumer", lambda n, c: f"{n.consumer_name} ({n.account_number})"),
    "amount": ("Amount", lambda n, c: c.money(n.amount_minor)),
    "remaining": ("Remaining", lambda n, c: c.money(n.remaining_minor)),
    "reason": ("Reason", lambda n, c: n.reason),
    "status": ("Status", lambda n, c: n.status),
    "created": ("Created Date", lambda n, c: c.day(n.created_on)),
    "receipt": ("Linked Payment", lambda n, c: n.receipt_number),
    "created_by": ("Created By", lambda n, c: n.created_by),
    "remarks": ("Remarks", lambda n, c: n.remarks or ""),
    "more": ("", lambda n, c: MORE_TEXT),  # the row's More actions (wired by the view)
}
TAB_COLUMNS = (
    "number",
    "consumer",
    "amount",
    "remaining",
    "reason",
    "status",
    "created",
    "receipt",
)
HEADERS = tuple(COLUMNS[key][0] for key in TAB_COLUMNS)
NUMBER, CONSUMER, AMOUNT, REMAINING, REASON, STATUS, CREATED, LINKED, MORE = range(9)
TAB_COLUMNS_WITH_ACTIONS = (*TAB_COLUMNS, "more")
BADGE_ROLE = Qt.ItemDataRole.UserRole + 1  # (background, foreground) for a pill-drawn cell
LINKS = frozenset({"number", "receipt"})
_MONEY = frozenset({"amount", "remaining"})
_BADGES = frozenset({"reason", "status"})

# -- badge tones: their (background, text) colours are in resources/styles/tilldesk.qss -------
STATUS_TONES = {
    "Active": "noteActive",
    "Applied": "noteApplied",
    "Expired": "noteExpired",
    "Pending Approval": "notePendingApproval",
    "Rejected": "noteRejected",
    "Cancelled": "noteCancelled",
}
REASON_TONES = {
    "Overpayment": "reasonOverpayment",
    "Duplicate Payment": "reasonDuplicatePayment",
    "Billing Error": "reasonBillingError",
    "Billing Adjustment": "reasonBillingAdjustment",
    "Refund Request": "reasonRefundRequest",
    "Customer Request": "reasonCustomerRequest",
    "Other": "reasonOther",
}
_SPARE = tuple(REASON_TONES.values())


def badge_colours(kind: str, text: str) -> tuple[str, str]:
    """A status or reason's pill colours; a reason an admin added gets a stable spare pair."""
    if kind == "status":
        return tone_colours(STATUS_TONES.get(text, STATUS_TONES["Expired"]))
    if text in REASON_TONES:
        return tone_colours(REASON_TONES[text])
    return tone_colours(_SPARE[zlib.crc32(text.encode()) % len(_SPARE)])


def badge_css(kind: str, text: str) -> str:
    background, foreground = badge_colours(kind, text)
    return (
        f"background: {background}; color: {foreground}; border-radius: 10px;"
        " padding: 2px 10px; font-weight: 600; font-size: 12px;"
    )


class CreditNotesModel(QAbstractTableModel):
    """One page of credit notes; which columns is the view's choice (tab or approvals)."""

    def __init__(
        self, context: ClientContext, parent: Any = None, columns: tuple[str, ...] = TAB_COLUMNS
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._columns = columns
        self._rows: list[CreditNoteRow] = []

    def set_context(self, context: ClientContext) -> None:
        self._context = context

    def set_rows(self, rows: list[CreditNoteRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> CreditNoteRow:
        return self._rows[row]

    def column_key(self, column: int) -> str:
        return self._columns[column]

    def column_of(self, key: str) -> int:
        return self._columns.index(key)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[self._columns[section]][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        note = self._rows[index.row()]
        key = self._columns[index.column()]
        if key == "more" and role == Qt.ItemDataRole.AccessibleTextRole:
            return MORE_NAME
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return COLUMNS[key][1](note, self._context)
        if key == "more" and role == Qt.ItemDataRole.ToolTipRole:
            return MORE_TIP
        if key == "more" and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if key == "more" and role == Qt.ItemDataRole.FontRole:
            return more_font()
        if role == Qt.ItemDataRole.TextAlignmentRole and key in _MONEY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == BADGE_ROLE and key in _BADGES:
            return badge_colours(key, COLUMNS[key][1](note, self._context))
        if key in LINKS:
            return self._link(role)
        return None

    def _link(self, role: int) -> Any:
        """Credit note and receipt numbers read as links: they open the note or the payment."""
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(stylesheet_colour("link"))
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setUnderline(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Open (Enter)"
        return None
