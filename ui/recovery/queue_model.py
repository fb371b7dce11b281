"""The recovery queue's rows (open cases by priority, or every case for a drill-down), the
filters a recovery executive narrows them with, and the table model that shows them."""

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.services.recovery_feed_queue import QUEUED, QueueRow
from ui.context import ClientContext
from ui.models.rows_model import RowsModel
from ui.recovery.smart_collect_common import SEGMENT_TEXT, band_brush, band_text, money

__all__ = ["QUEUED", "QueueColumn", "QueueFilters", "QueueModel", "QueueRow"]


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""  # "" every loaded row
    segment: str = ""
    band: str = ""
    search: str = ""  # part of a consumer or case id, any case
    case_ids: frozenset[str] = field(default_factory=frozenset)  # a drill-down's cases
    queued_only: bool = False  # open and paused cases only (closed ones may still be loaded)

    def keeps(self, row: QueueRow) -> bool:
        needle = self.search.strip().lower()
        return (
            (not self.status or row.status == self.status)
            and (not self.queued_only or row.status in QUEUED)
            and (not self.segment or row.segment == self.segment)
            and (not self.band or row.band == self.band)
            and (not needle or needle in row.case_id.lower() or needle in row.consumer_id.lower())
            and (not self.case_ids or row.case_id in self.case_ids)
        )


class QueueColumn(IntEnum):
    PRIORITY = 0
    CASE = 1
    CONSUMER = 2
    SEGMENT = 3
    OWED = 4
    BAND = 5
    NEXT_ACTION = 6
    NEXT_AT = 7
    STATUS = 8


class QueueModel(RowsModel[QueueRow]):
    columns = QueueColumn
    headers = ("Priority", "Case", "Consumer", "Segment", "Owed", "Band", "Next action",
               "When", "Status")  # fmt: skip

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context

    def text(self, row: QueueRow, column: QueueColumn) -> str:
        if column is QueueColumn.PRIORITY:
            return "" if row.priority is None else f"{row.priority:.1f}"
        if column is QueueColumn.CASE:
            return row.case_id
        if column is QueueColumn.CONSUMER:
            return row.consumer_id + (" (VIP)" if row.vip else "")
        if column is QueueColumn.SEGMENT:
            return SEGMENT_TEXT.get(row.segment, row.segment)
        if column is QueueColumn.OWED:
            return money(self.context, row.owed_minor, row.currency)
        if column is QueueColumn.BAND:
            chance = "" if row.probability is None else f" {row.probability:.0f} %"
            return band_text(row.band) + chance if row.band else ""
        if column is QueueColumn.NEXT_ACTION:
            return row.next_action
        if column is QueueColumn.NEXT_AT:
            return self.context.moment(row.next_at) if row.next_at else "not due"
        return row.status.replace("_", " ").capitalize()  # "at_counter" -> "At counter"

    def data(self, index: Any, role: int = 0) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == QueueColumn.BAND:
            return band_brush(self.rows[index.row()].band)
        if role == Qt.ItemDataRole.ToolTipRole:
            row = self.rows[index.row()]
            return (
                row.next_action if index.column() == QueueColumn.NEXT_ACTION else row.priority_why
            )
        right = index.column() in (QueueColumn.PRIORITY, QueueColumn.OWED)
        if role == Qt.ItemDataRole.TextAlignmentRole and right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)
