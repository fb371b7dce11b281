"""A settings list: heading, note, a one-row-at-a-time table, a row of action buttons and the
line that says how the last action went (the Users and Printers sections)."""

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.style import restyle, role_label


class ListWithActions(QWidget):
    """Build it, add the buttons with `add_action`, and read the chosen row with
    `current_row`; `selection_changed` fires when another row becomes current. `heading` and
    `note` are (object name, text)."""

    def __init__(
        self,
        *,
        name: str,
        heading: tuple[str, str],
        note: tuple[str, str],
        model: QAbstractItemModel,
        table_name: str,
        table_accessible: str,
        message_name: str,
        message_role: str = "error",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.table = QTableView()
        self.table.setObjectName(table_name)
        self.table.setAccessibleName(table_accessible)
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.selection_changed = self.table.selectionModel().currentRowChanged
        self.message = role_label("", message_role, name=message_name)
        self.message.setWordWrap(True)
        self._buttons = QHBoxLayout()
        self._buttons.addStretch(1)
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(role_label(heading[1], "subheading", name=heading[0]))
        self._layout.addWidget(role_label(note[1], "muted", name=note[0]))
        self._layout.addWidget(self.table, 1)
        self._layout.addLayout(self._buttons)
        self._layout.addWidget(self.message)

    def stretch_columns(self, *columns: int) -> None:
        """Those columns share the spare width, the others fit their contents (none: all
        columns share it)."""
        header = self.table.horizontalHeader()
        if not columns:
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            return
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in columns:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)

    def add_above_buttons(self, widget: QWidget) -> QWidget:
        """A line between the table and the buttons (e.g. what an empty list means)."""
        self._layout.insertWidget(self._layout.indexOf(self.table) + 1, widget)
        return widget

    def add_action(self, name: str, text: str, slot: Callable[[], None]) -> QPushButton:
        """A button in the row under the table; Enter in the table does not press it."""
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        self._buttons.insertWidget(self._buttons.count() - 1, button)
        return button

    def current_row(self) -> int:
        return self.table.currentIndex().row()

    def say(self, text: str, role: str | None = None) -> None:
        """The message line, in a stylesheet role ("ok", "error", "muted") if given."""
        self.message.setText(text)
        if role is not None:
            restyle(self.message, role=role)
