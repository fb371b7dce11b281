"""F2 edits the cell of an editable table: the key goes to the table, not to a window shortcut.

Qt asks the focused widget first (a ShortcutOverride event) before a shortcut fires; item views
do not claim F2 although they edit with it. This filter claims it for them when the current
cell can be edited (or an editor is open), so F2 is Record Payment everywhere else.
"""

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

EDIT_KEY = Qt.Key.Key_F2


class EditKeyToTables(QObject):
    """Installed on the application: lets an editable item view take F2 before any shortcut."""

    def install(self) -> "EditKeyToTables":
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        return self

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if not isinstance(event, QKeyEvent) or event.key() != EDIT_KEY or event.modifiers():
            return False
        if kind == QEvent.Type.ShortcutOverride and _edits(watched):
            event.accept()  # the view gets the key press and opens its editor
            return False
        # F2 in an open cell editor does nothing: the view would open the editor again.
        return kind == QEvent.Type.KeyPress and _in_open_editor(watched)


def _edits(widget: QObject) -> bool:
    view = _view_of(widget)
    if view is None:
        return False
    if _editing(view):
        return True  # F2 inside an open editor must not take the person off the screen
    if view is not widget:
        return False  # a widget placed in a cell (a combo box) does not edit with F2
    triggers = view.editTriggers()
    if not triggers & QAbstractItemView.EditTrigger.EditKeyPressed:
        return False
    current = view.currentIndex()
    return current.isValid() and bool(current.flags() & Qt.ItemFlag.ItemIsEditable)


def _in_open_editor(widget: QObject) -> bool:
    view = _view_of(widget)
    return view is not None and view is not widget and _editing(view)


def _editing(view: QAbstractItemView) -> bool:
    return view.state() is QAbstractItemView.State.EditingState


def _view_of(widget: QObject) -> QAbstractItemView | None:
    """The item view the focused widget is, or whose cell editor it is."""
    found: QObject | None = widget
    while isinstance(found, QWidget):
        if isinstance(found, QAbstractItemView):
            return found
        if found.isWindow():
            return None
        found = found.parentWidget()
    return None
