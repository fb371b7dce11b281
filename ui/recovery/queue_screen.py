"""The recovery queue (first entry of F8): open cases by priority with segment, amount, next
action and time, band; filters and search; Enter opens the case, Escape comes back."""

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserFacingError
from app.services.recovery_feed_queue import load_queue, recovery_source
from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.recovery.queue_model import QueueColumn, QueueFilters, QueueModel, QueueRow
from ui.recovery.smart_collect_common import (
    BAND_TEXT,
    BANDS,
    SEGMENT_TEXT,
    button,
    money,
    read_only_table,
)
from ui.widgets.choices import choices_combo

ALL_CASES = "all"
NO_CASES = "No cases yet: failed payments open cases here (tilldesk recovery import, sync)."
STATUSES = (("Open and paused", ""), ("Open", "open"), ("Paused", "paused"),
            ("On a plan", "plan"), ("All cases", ALL_CASES))  # fmt: skip
QUEUED_CHOICES = ("", "open", "paused")  # the others need the closed cases loaded too
SYNCED = "The server's copy, as of this counter's last sync."
CONSUMER_CHARS = 28  # "Matthew Sanders (WU-10002, VIP)" or so; a longer name elides


class MiddleElided(QStyledItemDelegate):
    """Elides in the middle: "Christopher Mo…(WU-10001)" keeps the consumer's id readable."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Any) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


class QueueList(QWidget):
    """The list page: loads the queue off the GUI thread, filters it here."""

    case_opened = Signal(str)  # a case id

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryQueueList")
        self._context = context
        self.loaded: list[QueueRow] = []
        self._loaded_every_case = False
        self._synced = False
        self.drill_ids: frozenset[str] = frozenset()
        heading = QLabel("Recovery queue")
        heading.setProperty("role", "heading")
        self.status = choices_combo(self, "queueStatus", "Status", STATUSES)
        segments = (("All segments", ""), *((t, k) for k, t in SEGMENT_TEXT.items()))
        self.segment = choices_combo(self, "queueSegment", "Segment", segments)
        self.band = choices_combo(self, "queueBand", "Band", (("All bands", ""),
                                *((BAND_TEXT[b], b) for b in BANDS)))  # fmt: skip
        self.search = QLineEdit()
        self.search.setObjectName("queueSearch")
        self.search.setAccessibleName("Search consumer name or id, or case id")
        self.search.setPlaceholderText("Consumer name or id, or case id  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.clear_drill = button("queueClearDrill", "Show the whole queue")
        self.clear_drill.hide()
        self.clear_drill.clicked.connect(self.show_queue)
        self.summary = QLabel("")
        self.summary.setObjectName("queueSummary")
        self.summary.setProperty("role", "muted")
        self.summary.setWordWrap(True)
        self.model = QueueModel(context, self)
        self.table = read_only_table("queueTable", "Recovery queue", self.model)
        self.table.activated.connect(self._on_table_activated)
        self.table.setTabKeyNavigation(False)  # Tab reaches the filters; arrows move in the list
        # The next action is the long column: it takes the room left and elides the rest.
        self.table.horizontalHeader().setStretchLastSection(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QueueColumn.NEXT_ACTION, QHeaderView.ResizeMode.Stretch)
        # Names can be long: the consumer fits its contents up to a cap (see _fit_consumer).
        header.setSectionResizeMode(QueueColumn.CONSUMER, QHeaderView.ResizeMode.Interactive)
        self.table.setItemDelegateForColumn(QueueColumn.CONSUMER, MiddleElided(self.table))
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.clear_drill)
        filters = QHBoxLayout()
        for combo in (self.status, self.segment, self.band):
            filters.addWidget(combo)
        filters.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.status.currentIndexChanged.connect(self._on_status_changed)
        self.segment.currentIndexChanged.connect(self.apply_filters)
        self.band.currentIndexChanged.connect(self.apply_filters)
        self.search.textChanged.connect(self.apply_filters)
        QShortcut(QKeySequence("Ctrl+F"), self, self.search.setFocus,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip
        self.search.returnPressed.connect(self.table.setFocus)

    def set_context(self, context: ClientContext) -> None:
        self._context = self.model.context = context

    def filters(self) -> QueueFilters:
        status = self.status.currentData()
        return QueueFilters(
            status="" if status == ALL_CASES else status,
            segment=self.segment.currentData(),
            band=self.band.currentData(),
            search=self.search.text(),
            case_ids=self.drill_ids,
            queued_only=status == "" and not self.drill_ids,
        )

    def refresh(self) -> None:
        every_case = self.status.currentData() not in QUEUED_CHOICES or bool(self.drill_ids)
        counter = self._context.counter

        def load() -> tuple[list[QueueRow], bool, bool]:
            synced = recovery_source(counter).synced
            return load_queue(counter, datetime.now(UTC), every_case), every_case, synced

        ServiceOp(self, load, read=True).success(self._show).failure(self._failed).run()

    def _show(self, result: tuple[list[QueueRow], bool, bool]) -> None:
        self.loaded, self._loaded_every_case, self._synced = result
        self.apply_filters()

    def _failed(self, error: UserFacingError) -> None:
        self.summary.setText(error.message)

    def apply_filters(self, *_args: object) -> None:
        wanted = self.filters()
        shown = [r for r in self.loaded if wanted.keeps(r)]
        self.model.set_rows(shown)
        self._fit_consumer()
        if not self.loaded:
            self.summary.setText(NO_CASES)
        elif not shown:
            self.summary.setText("No case matches these filters.")
        else:
            owed = {}
            for row in shown:
                owed[row.currency] = owed.get(row.currency, 0) + row.owed_minor
            amounts = ", ".join(money(self._context, v, k) for k, v in sorted(owed.items()))
            synced = f" {SYNCED}" if self._synced else ""
            cases = f"{len(shown)} case" if len(shown) == 1 else f"{len(shown)} cases"
            self.summary.setText(f"{cases}, {amounts} owed. Enter opens a case.{synced}")
        if shown and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def _fit_consumer(self) -> None:
        self.table.resizeColumnToContents(QueueColumn.CONSUMER)
        cap = self.table.fontMetrics().averageCharWidth() * CONSUMER_CHARS
        if self.table.columnWidth(QueueColumn.CONSUMER) > cap:
            self.table.setColumnWidth(QueueColumn.CONSUMER, cap)

    def _on_status_changed(self) -> None:
        if self.status.currentData() not in QUEUED_CHOICES and not self._loaded_every_case:
            self.refresh()
        else:
            self.apply_filters()

    def show_cases(self, title: str, case_ids: frozenset[str]) -> None:
        """A drill-down: only these cases, whatever their status, until the queue is shown."""
        self.drill_ids = case_ids
        self.clear_drill.setText(f"{title}: show the whole queue")
        self.clear_drill.show()
        self.refresh()

    def show_queue(self) -> None:
        self.drill_ids = frozenset()
        self.clear_drill.hide()
        self.apply_filters()
        self.table.setFocus()

    def selected(self) -> QueueRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _on_table_activated(self, index: object) -> None:
        row = self.model.row_at(index.row())  # type: ignore[attr-defined]
        if row is not None:
            self.case_opened.emit(row.case_id)


class RecoveryQueueScreen(QStackedWidget):
    """The queue, and the case or consumer a recovery executive opened from it (Escape: back)."""

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryQueueScreen")
        self._context = context
        self.queue = QueueList(context, self)
        self.queue.case_opened.connect(self.open_case)
        self.addWidget(self.queue)
        self.case_screen = None
        self.smart_collect = None

    def set_context(self, context: ClientContext) -> None:
        self._context = context
        for page in (self.queue, self.case_screen, self.smart_collect):
            if page is not None:
                page.set_context(context)

    def refresh(self) -> None:
        page = self.currentWidget()
        page.refresh()  # type: ignore[attr-defined]
        if page is self.queue:
            self.queue.table.setFocus()

    def show_cases(self, title: str, case_ids: frozenset[str]) -> None:
        self.setCurrentWidget(self.queue)
        self.queue.show_cases(title, case_ids)
        self.queue.table.setFocus()

    def open_case(self, case_id: str) -> None:
        if self.case_screen is None:
            from ui.recovery.case_screen import CaseScreen

            self.case_screen = CaseScreen(self._context, self)
            self.case_screen.back_requested.connect(self.back_to_queue)
            self.case_screen.consumer_opened.connect(self.open_consumer)
            self.addWidget(self.case_screen)
        self.case_screen.show_case(case_id)
        self.setCurrentWidget(self.case_screen)
        self.case_screen.timeline.setFocus()

    def open_consumer(self, consumer_id: str) -> None:
        if self.smart_collect is None:
            from ui.recovery.smart_collect_screen import SmartCollectScreen

            self.smart_collect = SmartCollectScreen(self._context, self)
            self.smart_collect.back_requested.connect(self._back_from_consumer)
            self.addWidget(self.smart_collect)
        self.smart_collect.show_consumer(consumer_id)
        self.setCurrentWidget(self.smart_collect)

    def _back_from_consumer(self) -> None:
        if self.case_screen is not None:
            self.setCurrentWidget(self.case_screen)
            self.case_screen.refresh()  # an action there may have moved the case
            self.case_screen.timeline.setFocus()
        else:
            self.back_to_queue()

    def back_to_queue(self) -> None:
        self.setCurrentWidget(self.queue)
        self.queue.refresh()
        self.queue.table.setFocus()
