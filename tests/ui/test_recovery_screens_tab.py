"""The Recovery queue and Case screens on a branch's synced copy, from the keyboard: Tab
leaves the queue's list for the rest of the screen (the arrows move in it), and on a case Tab
leaves the timeline for the reason box and the actions."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.support.recovery_ui import queue_of


def _reached_by_tab(qtbot, start, presses: int) -> list:
    start.setFocus()
    reached = []
    for _ in range(presses):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    return reached


def test_tab_leaves_the_queue_and_the_timeline(qtbot, branch) -> None:
    screen = queue_of(qtbot, branch)
    screen.activateWindow()
    queue = screen.queue
    queue.table.setFocus()
    qtbot.keyClick(queue.table, Qt.Key.Key_Down)  # the arrows still move in the list
    assert queue.table.currentIndex().row() == 1
    reached = _reached_by_tab(qtbot, queue.table, 4)
    assert queue.table not in reached
    assert queue.status in reached  # the filters are a Tab away

    queue.table.setFocus()
    qtbot.keyClick(queue.table, Qt.Key.Key_Up)  # back to the top case
    qtbot.keyClick(queue.table, Qt.Key.Key_Return)
    case = screen.case_screen
    qtbot.waitUntil(lambda: case.model.rowCount() == 3, timeout=20_000)
    reached = _reached_by_tab(qtbot, case.timeline, 3)
    assert case.timeline not in reached
    assert case.reason in reached or case.note_button in reached
