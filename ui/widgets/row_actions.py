"""A table's "⋮" More actions column: a click on it, the Menu key or Shift+F10 opens the
row's menu, the very menu a right click opens."""

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject, QPoint, Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

MORE_TEXT = "⋮"
MORE_NAME = "More actions"
MORE_TIP = "More actions (Menu key or Shift+F10)"
MORE_WIDTH = 40
MENU_KEYS = (QKeySequence(Qt.Key.Key_Menu), QKeySequence("Shift+F10"))


def more_font() -> QFont:
    """The ⋮ drawn bold and larger, so it reads as a button in every row."""
    font = QFont()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.4)
    return font


class RowActions(QObject):
    """Wires a table's More actions column; `menu_for_row` builds a row's menu."""

    def __init__(
        self, table: QTableView, column: int, menu_for_row: Callable[[int], QMenu]
    ) -> None:
        super().__init__(table)
        self.setObjectName(f"{table.objectName()}RowActions")
        self.table = table
        self.column = column
        self._menu_for_row = menu_for_row
        self.menu: QMenu | None = None  # the menu open now, or last
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self.on_table_custom_context_menu_requested)
        table.clicked.connect(self.on_table_clicked)
        for keys in MENU_KEYS:
            QShortcut(
                keys,
                table,
                activated=self.open_for_current,
                context=Qt.ShortcutContext.WidgetShortcut,
            )
        self.fix_width()

    def fix_width(self) -> None:
        """Call again after a model reset: the view forgets section sizes with it."""
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.column, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(self.column, MORE_WIDTH)

    def open_for_current(self) -> None:
        """The keyboard's way in: the menu of the current row, under its ⋮."""
        model = self.table.model()
        if model is None or model.rowCount() == 0:
            return
        index = self.table.currentIndex()
        if not index.isValid():
            index = model.index(0, 0)
            self.table.setCurrentIndex(index)
        self._popup_under_button(index)

    def on_table_clicked(self, index: QModelIndex) -> None:
        if index.column() == self.column:
            self._popup_under_button(index)

    def on_table_custom_context_menu_requested(self, point: QPoint) -> None:
        index = self.table.indexAt(point)
        if index.isValid():
            self.table.setCurrentIndex(index)
            self.popup(index.row(), point)

    def _popup_under_button(self, index: QModelIndex) -> None:
        button = self.table.visualRect(index.siblingAtColumn(self.column))
        self.popup(index.row(), button.bottomLeft())

    def popup(self, row: int, at: QPoint) -> None:
        """`at` is in the table's viewport."""
        if self.menu is not None:  # one menu at a time, and none piles up
            self.menu.close()
            self.menu.deleteLater()
        self.menu = self._menu_for_row(row)
        self.menu.setAccessibleName(MORE_NAME)
        self.menu.popup(self.table.viewport().mapToGlobal(at))
