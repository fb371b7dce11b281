"""The Credit Notes tab: search, filters, the table with reason badges, and each row's actions."""

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Area
from app.domain.errors import UserFacingError
from app.services.credit_notes_list import (
    MAX_LIMIT,
    CreditNoteQuery,
    CreditNoteRow,
    count_credit_notes,
    find_credit_notes,
)
from app.services.list_exports import credit_notes_report
from app.services.runtime import Counter
from ui.context import ClientContext
from ui.dialogs.credit_note_files import CreditNoteFiles, printable
from ui.models.credit_notes_model import (
    BADGE_ROLE,
    CONSUMER,
    LINKED,
    LINKS,
    MORE,
    REASON,
    STATUS,
    TAB_COLUMNS_WITH_ACTIONS,
    CreditNotesModel,
)
from ui.ops import ServiceOp, hub
from ui.screens.credit_notes_filters import CreditNoteFilters
from ui.widgets.export_button import ExportButton
from ui.widgets.row_actions import RowActions
from ui.widgets.toast import show_toast

Index = QModelIndex | QPersistentModelIndex


class PillDelegate(QStyledItemDelegate):
    """Draws a cell as a pill-shaped badge in the colours the model gives (BADGE_ROLE)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        colours, text = index.data(BADGE_ROLE), index.data()
        if not colours or not text:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # the background and selection as usual, the text as a pill
        widget = opt.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        font = opt.font  # type: ignore[attr-defined]
        font.setBold(True)
        metrics = QFontMetrics(font)
        rect_of_cell = opt.rect  # type: ignore[attr-defined]
        height = metrics.height() + 6
        width = min(metrics.horizontalAdvance(text) + 20, rect_of_cell.width() - 8)
        pill = QRect(
            rect_of_cell.x() + 4, rect_of_cell.center().y() - height // 2 + 1, width, height
        )
        background, foreground = colours
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(background))
        painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.setPen(QColor(foreground))
        painter.setFont(font)
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(0, width - 12))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, shown)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        text = index.data()
        if text and index.data(BADGE_ROLE):
            font = QFont(option.font)  # type: ignore[attr-defined]
            font.setBold(True)
            size.setWidth(QFontMetrics(font).horizontalAdvance(text) + 20 + 16)
        return size


def load_page(counter: Counter, query: CreditNoteQuery) -> tuple[list[CreditNoteRow], int]:
    """The first page and how many match in all (for 'Showing 500 of 1,234')."""
    return (
        find_credit_notes(counter.read(), query, limit=MAX_LIMIT),
        count_credit_notes(counter.read(), query),
    )


class CreditNotesTab(QWidget):
    credit_note_opened = Signal(str)  # credit note number: open its details
    payment_opened = Signal(str)  # receipt number of the linked payment

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("creditNotesTab")
        self._context = context
        self._generation = 0
        self.toast = None
        self._refresh_timer = QTimer(self, singleShot=True, interval=250)
        self._refresh_timer.timeout.connect(self.refresh)
        self.filters = CreditNoteFilters(context, self)
        self.filters.changed.connect(self._refresh_timer.start)
        self.filter_error = QLabel("")
        self.filter_error.setObjectName("creditNoteFilterError")
        self.filter_error.setProperty("role", "error")
        self.filter_error.setVisible(False)
        self.model = CreditNotesModel(context, self, columns=TAB_COLUMNS_WITH_ACTIONS)
        self.table = self._table()
        self.count = QLabel("")
        self.count.setObjectName("creditNotesCount")
        self.count.setProperty("role", "muted")
        self.files = CreditNoteFiles(context, self)
        self.files.saved.connect(lambda p: self._toast(f"Saved {p.name} to {p.parent}."))
        self.files.opened.connect(lambda p: self._toast(f"Opened {p.name} in the PDF viewer."))
        self.files.failed.connect(lambda m: self._toast(m, kind="error"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(self.filter_error)
        layout.addWidget(self.table, 1)
        counter = context.counter
        self.export_button = ExportButton(
            "credit notes", lambda: credit_notes_report(counter.read, self.filters.query()), self
        )
        self.export_button.exported.connect(
            lambda path, rows: self._toast(f"Exported {rows:,} credit notes to {path}.")
        )
        self.export_button.failed.connect(lambda message: self._toast(message, kind="error"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.export_button)
        layout.addLayout(bottom)
        hub.changed.connect(self.on_hub_changed)

    def _table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("creditNotesTable")
        table.setAccessibleName("Credit notes")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(34)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CONSUMER, QHeaderView.ResizeMode.Stretch)
        self.pills = PillDelegate(table)
        table.setItemDelegateForColumn(REASON, self.pills)
        table.setItemDelegateForColumn(STATUS, self.pills)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # long names keep both ends
        self.row_actions = RowActions(table, MORE, self.row_menu)
        table.clicked.connect(self.on_table_clicked)
        table.doubleClicked.connect(self.on_table_double_clicked)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(
                QKeySequence(key),
                table,
                activated=self.open_current,
                context=Qt.ShortcutContext.WidgetShortcut,
            )
        return table

    # -- loading --------------------------------------------------------------------------
    def set_context(self, context: ClientContext) -> None:
        self._context = context
        self.model.set_context(context)
        self.filters.set_context(context)
        self.files.set_context(context)

    def focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    def on_hub_changed(self, areas: frozenset) -> None:
        if areas & {Area.CREDIT_NOTES, Area.PAYMENTS}:
            self._refresh_timer.start()

    def refresh(self) -> None:
        """Load the notes matching the filters; a slower earlier answer never overwrites."""
        self._generation += 1
        generation, counter, query = self._generation, self._context.counter, self.filters.query()
        ServiceOp(self, lambda: load_page(counter, query), read=True).success(
            lambda page: self._loaded(page, generation)
        ).failure(lambda error: self._failed(error, generation)).run()

    def _loaded(self, page: tuple[list[CreditNoteRow], int], generation: int) -> None:
        if generation != self._generation:
            return
        rows, total = page
        self.filter_error.setVisible(False)
        self.model.set_rows(rows)
        shown = f"Showing {len(rows):,} of {total:,}" if total > len(rows) else f"{total:,}"
        self.count.setText(
            f"{shown} credit note{'' if total == 1 else 's'}"
            if total
            else "No credit notes match the search and filters."
        )

    def _failed(self, error: UserFacingError, generation: int) -> None:
        if generation != self._generation:
            return
        self.filter_error.setText(error.message)
        self.filter_error.setVisible(True)
        self.model.set_rows([])  # rows from other filters would answer the wrong question
        self.count.setText("")

    # -- rows ----------------------------------------------------------------------------
    def on_table_clicked(self, index: QModelIndex) -> None:
        """The credit note number and the linked receipt are links, as the spec asks."""
        if self.model.column_key(index.column()) in LINKS:
            self._open(index)

    def on_table_double_clicked(self, index: QModelIndex) -> None:
        if self.model.column_key(index.column()) not in LINKS | {"more"}:
            self._open(index)

    def open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid() and index.column() == MORE:
            self.row_actions.open_for_current()
        elif index.isValid():
            self._open(index)

    def _open(self, index: QModelIndex) -> None:
        note = self.model.row_at(index.row())
        if index.column() == LINKED:
            self.payment_opened.emit(note.receipt_number)
        else:
            self.credit_note_opened.emit(note.number)

    def row_menu(self, row: int) -> QMenu:
        note = self.model.row_at(row)
        number = note.number
        menu = QMenu(self)
        menu.setObjectName("creditNoteRowMenu")
        menu.addAction("View Details", lambda: self.credit_note_opened.emit(number))
        for text, slot in (
            ("Print Credit Note", lambda: self.files.preview(number)),
            ("View Credit Note", lambda: self.files.preview(number)),
            ("Download", lambda: self.files.download(number)),
        ):
            action = menu.addAction(text, slot)
            action.setEnabled(printable(note.status))
        menu.addSeparator()
        menu.addAction(
            f"Open payment {note.receipt_number}",
            lambda: self.payment_opened.emit(note.receipt_number),
        )
        return menu

    def _toast(self, message: str, kind: str = "ok") -> None:
        self.toast = show_toast(self, message, kind=kind)
