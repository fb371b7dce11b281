"""The recovery queue's rows (open cases by priority, or every case for a drill-down), the
filters a recovery executive narrows them with, and the table model that shows them in words."""

import re
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.services.recovery_feed_queue import QUEUED, QueueRow
from ui.context import ClientContext
from ui.models.rows_model import RowsModel
from ui.recovery.case_text import ACTION_NAMES, consumer_label, planned_moment
from ui.recovery.smart_collect_common import (
    SEGMENT_TEXT,
    band_brush,
    band_text,
    chance_text,
    money,
    money_in_text,
)

__all__ = ["QUEUED", "QueueColumn", "QueueFilters", "QueueModel", "QueueRow"]


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""  # "" every loaded row
    segment: str = ""
    band: str = ""
    search: str = ""  # part of a consumer's name or id or of a case id, any case
    case_ids: frozenset[str] = field(default_factory=frozenset)  # a drill-down's cases
    queued_only: bool = False  # open and paused cases only (closed ones may still be loaded)

    def keeps(self, row: QueueRow) -> bool:
        return (
            (not self.status or row.status == self.status)
            and (not self.queued_only or row.status in QUEUED)
            and (not self.segment or row.segment == self.segment)
            and (not self.band or row.band == self.band)
            and self.found(row)
            and (not self.case_ids or row.case_id in self.case_ids)
        )

    def found(self, row: QueueRow) -> bool:
        needle = self.search.strip().lower()
        said = (row.case_id, row.consumer_id, row.consumer_name)
        return not needle or any(needle in text.lower() for text in said)


# The queue's When column says the time: "Retry planned for {when}" -> "Retry planned".
ACTION_WORDS = ACTION_NAMES | {"paused": "Paused"}
# A reason may start with the name of what decided it: a policy ("daily-3: retry 1 of 3"),
# the rules ("rules: ...") or the demo's history ("demo: ..."). Said last, in brackets.
_DECIDED_BY = re.compile(r"^(?P<name>[a-z0-9][a-z0-9_.-]*): ")
NO_TIME = "no time set"
NO_TIME_TIP = ("Nothing is planned: the engine looks at this case again when something happens "
               "(a new payment method, a payment, a resume).")  # fmt: skip
WHEN_RESUMED = "when resumed"


def consumer_text(row: QueueRow) -> str:
    return consumer_label(row.consumer_id, row.consumer_name, row.vip)


def next_action_text(context: ClientContext, text: str) -> str:
    """The engine's "kind: reason" as words: "wait: demo: hard decline: ask for a new payment
    method" -> "Waiting: hard decline - ask for a new payment method (demo)". The CLI and the
    JSON keep the engine's text; the table's tooltip shows it whole."""
    kind, _, reason = text.partition(": ")
    head = ACTION_WORDS.get(kind)
    if head is None:  # "first visit by the engine", a closed case's reason
        return _capitalised(money_in_text(context, text))
    if kind == "paused":  # a person's own words
        return f"{head}: {reason}"
    decided_by = _DECIDED_BY.match(reason)
    if decided_by is not None:
        reason = reason[decided_by.end() :]
    # "Expired card: retrying cannot succeed" - the colons of a reason read as a dash.
    said = f"{head}: {money_in_text(context, reason).replace(': ', ' - ')}" if reason else head
    return f"{said} ({decided_by['name']})" if decided_by is not None else said


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


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
            return consumer_text(row)
        if column is QueueColumn.SEGMENT:
            return SEGMENT_TEXT.get(row.segment, row.segment)
        if column is QueueColumn.OWED:
            return money(self.context, row.owed_minor, row.currency)
        if column is QueueColumn.BAND:
            chance = chance_text(self.context, row.probability)
            return f"{band_text(row.band)} {chance}".strip() if row.band else ""
        if column is QueueColumn.NEXT_ACTION:
            return next_action_text(self.context, row.next_action)
        if column is QueueColumn.NEXT_AT:
            return self.when(row)
        return row.status.replace("_", " ").capitalize()  # "at_counter" -> "At counter"

    def when(self, row: QueueRow) -> str:
        """When the engine looks at the case again; a paused case's stored time does not
        count (resuming sets it to now), and a closed case has none."""
        if row.status == "paused":
            return WHEN_RESUMED
        if row.next_at is not None:
            return planned_moment(self.context)(row.next_at)
        return NO_TIME if row.status in QUEUED else ""

    def data(self, index: Any, role: int = 0) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == QueueColumn.BAND:
            return band_brush(self.rows[index.row()].band)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(self.rows[index.row()], index.column())
        right = index.column() in (QueueColumn.PRIORITY, QueueColumn.OWED)
        if role == Qt.ItemDataRole.TextAlignmentRole and right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)

    def tooltip(self, row: QueueRow, column: int) -> str:
        if column == QueueColumn.NEXT_ACTION:
            return row.next_action  # the engine's whole text, as the CLI prints it
        if column == QueueColumn.NEXT_AT and self.when(row) == NO_TIME:
            return NO_TIME_TIP
        return row.priority_why
