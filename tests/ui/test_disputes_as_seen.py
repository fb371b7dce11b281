"""The Disputes tab and its dialogs as a cashier sees them: an evening dispute dated on the
service center's day, a message when there is none, Tab out of the table, the focus on the
field to put right, and messages that cover no field."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services.disputes import disputes_of, open_dispute
from tests.support.ui import holds_tab as _holds
from tests.support.ui import modal_dialog as _dialog
from ui.dialogs.dispute_circumstances import CircumstancesDialog
from ui.dialogs.dispute_dialogs import OpenDisputeDialog, UpdateDisputeDialog

ALT = Qt.KeyboardModifier.AltModifier


def test_no_disputes_says_so_and_tab_leaves_the_table(qtbot, profile) -> None:
    holds = _holds(qtbot, profile)
    assert holds.table.rowCount() == 0
    assert holds.empty.isVisible()
    assert holds.empty.text() == "No disputes recorded for this consumer."
    qtbot.keyClick(holds.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is holds.new_button


def test_an_evening_dispute_is_dated_on_the_service_centers_day(
    qtbot, context, clock, profile
) -> None:
    clock.advance(hours=12)  # 21 Apr 2025 02:00 UTC: still 20 Apr, 22:00, in New York
    open_dispute(
        context.counter.write(), account_number="WU-10001", subject="bill",
        number="INV-2025-001234", reason="Meter read twice", owner="", username="jsmith",
    )  # fmt: skip
    holds = _holds(qtbot, profile)
    holds.reload()
    qtbot.waitUntil(lambda: holds.table.rowCount() == 1)
    assert holds.table.item(0, 4).text() == "Apr 20, 2025 · jsmith"
    assert not holds.empty.isVisible()

    qtbot.keyClick(holds.table, Qt.Key.Key_U, ALT)
    update = _dialog(qtbot, UpdateDisputeDialog)
    assert "Opened Apr 20, 2025 by jsmith" in update.findChild(type(update.heading),
                                                              "disputeSummary").text()  # fmt: skip
    update.reject()


def test_enter_on_an_empty_reason_puts_the_focus_on_the_reason(qtbot, profile) -> None:
    holds = _holds(qtbot, profile)
    qtbot.keyClick(holds.table, Qt.Key.Key_D, ALT)
    dialog = _dialog(qtbot, OpenDisputeDialog)
    assert dialog.subject.hasFocus()
    qtbot.keyClick(dialog.subject, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.rows["reason"].error.isVisible())
    assert dialog.reason.hasFocus()  # typing goes where the message says
    dialog.reject()


def test_a_missing_resolution_is_said_below_the_box_not_over_it(qtbot, context, profile) -> None:
    open_dispute(
        context.counter.write(), account_number="WU-10001", subject="bill",
        number="INV-2025-001234", reason="Meter read twice", owner="", username="jsmith",
    )  # fmt: skip
    holds = _holds(qtbot, profile)
    holds.reload()
    qtbot.waitUntil(lambda: holds.table.rowCount() == 1)
    qtbot.keyClick(holds.table, Qt.Key.Key_U, ALT)
    update = _dialog(qtbot, UpdateDisputeDialog)
    update.status.setCurrentIndex(update.status.findData("resolved"))
    qtbot.keyClick(update.status, Qt.Key.Key_Return)
    message = update.rows["resolution"].error
    qtbot.waitUntil(message.isVisible)
    QApplication.processEvents()
    box = update.resolution
    box_bottom = box.mapTo(update, box.rect().bottomLeft()).y()
    message_top = message.mapTo(update, message.rect().topLeft()).y()
    assert message_top > box_bottom  # the message does not cover the box
    assert message.mapTo(update, message.rect().bottomLeft()).y() < update.height()
    assert box.hasFocus()
    assert [d.status for d in disputes_of(context.counter.read(), "WU-10001")] == ["open"]
    update.reject()


def test_the_preferred_time_example_is_read_whole(qtbot, profile) -> None:
    holds = _holds(qtbot, profile)
    qtbot.keyClick(holds.table, Qt.Key.Key_C, ALT)
    dialog = _dialog(qtbot, CircumstancesDialog)
    note = dialog.findChild(type(dialog.heading), "timeNote")
    QApplication.processEvents()
    assert note.text().endswith("e.g. 17:00 to 20:00")
    if note.wordWrap():  # nothing cut off: the lines it needs at its width fit its height
        assert note.heightForWidth(note.width()) <= note.height()
    else:
        assert note.width() >= note.sizeHint().width()
    dialog.reject()
