"""F2 in an editable table edits the cell; everywhere else it is still Record Payment (driven
with the keyboard only, on the real main window)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication

from tests.support.ui import go_to_section, open_settings, sign_in
from ui.main_window import MainWindow


@pytest.fixture
def window(main_window: MainWindow) -> MainWindow:
    return main_window


def test_f2_renames_a_payment_method_in_settings_and_opens_record_payment_elsewhere(
    qtbot, window
) -> None:
    sign_in(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    go_to_section(qtbot, screen, "Payments")
    methods = screen.payments.methods
    methods.setFocus()
    qtbot.keyClick(methods, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    first = methods.item(0, 0).text()

    qtbot.keyClick(methods, Qt.Key.Key_F2)

    assert window.stack.currentWidget() is screen  # still in Settings
    assert methods.state() is QAbstractItemView.State.EditingState  # the name is open
    editor = QApplication.focusWidget()
    qtbot.keyClick(editor, Qt.Key.Key_F2)  # again, inside the editor: still editing here
    assert window.stack.currentWidget() is screen
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, "Cash at desk")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    editing = QAbstractItemView.State.EditingState
    qtbot.waitUntil(lambda: methods.state() is not editing)  # the delegate commits queued
    assert methods.item(0, 0).text() == "Cash at desk" != first

    screen.payments.add_method_button.setFocus()  # not a table: F2 is Record Payment
    qtbot.keyClick(screen.payments.add_method_button, Qt.Key.Key_F2)
    assert window.stack.currentWidget() is window.screens["record_payment"]
