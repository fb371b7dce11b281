"""The Shift screen and its dialogs, driven with the keyboard as a cashier does at day's end."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel

from app.db.database import Database
from app.services.runtime import counter_for
from app.services.settings import current_settings, update_settings
from app.services.shift_close import CloseRequest, close_shift
from app.services.shifts import current_shift
from tests.support.ui import activate, shot, type_into
from tests.support.ui import sign_in_shift_known as sign_in
from ui.context import ClientContext
from ui.main_window import MainWindow
from ui.ops import wait_for_all

Key = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot, db: Database) -> MainWindow:
    counter = counter_for(db)
    context = ClientContext(
        counter=counter, settings=current_settings(counter.read()), terminal_code="T01"
    )
    main = MainWindow(context, idle_lock_ms=600_000)
    qtbot.addWidget(main)
    main.resize(1280, 800)
    main.show()
    yield main
    wait_for_all()


def close_the_sample_shift(db: Database) -> None:
    """Jane Smith's sample shift, closed with the float all there: no shift is open after."""
    close_shift(db.unit_of_work(), CloseRequest({10000: 2}, {}, "jsmith"))


def dialog_named(window: MainWindow, name: str) -> QDialog:
    found = [d for d in window.findChildren(QDialog, name) if d.isVisible()]
    assert len(found) == 1, f"{name}: {found}"
    return found[0]


def wait_for_dialog(qtbot, window: MainWindow, name: str) -> QDialog:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(QDialog, name)))
    dialog = dialog_named(window, name)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # keys typed next go to the dialog
    return dialog


def gone(dialog: QDialog) -> bool:
    """Closed (and, being deleted on close, maybe already deleted)."""
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def focused():
    return QApplication.focusWidget()


def pay_cash_at_the_counter(qtbot, window: MainWindow) -> None:
    """The March bill, $145.50, paid with $150.00 cash on the Record Payment screen (F2)."""
    activate(qtbot, window)
    qtbot.keyClick(window, Key.Key_F2)
    record = window.screens["record_payment"]
    form = record.form
    qtbot.waitUntil(lambda: form.search.hasFocus())
    qtbot.keyClicks(form.search, "john")
    qtbot.waitUntil(lambda: form.results.count() == 1)
    qtbot.keyClick(form.search, Key.Key_Return)
    qtbot.waitUntil(lambda: form.channel.hasFocus())
    qtbot.keyClick(focused(), Key.Key_A, ALT)  # the amount, filled with what is due
    qtbot.waitUntil(lambda: form.amount.hasFocus())
    assert form.amount.text() == "145.50"
    qtbot.keyClick(focused(), Key.Key_Return)
    qtbot.keyClicks(focused(), "150.00")
    assert form.change.text() == "$4.50"
    qtbot.keyClick(focused(), Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: record.review.confirm.hasFocus())
    with qtbot.waitSignal(record.payment_recorded, timeout=5000):
        qtbot.keyClick(focused(), Key.Key_Return)


def test_a_cashier_opens_a_shift_pays_moves_cash_and_closes_it_with_a_supervisor(qtbot, window, db):
    close_the_sample_shift(db)
    sign_in(qtbot, window, "jsmith", "1234")

    # Signed in without a shift: the Open Shift dialog is offered straight away.
    offer = wait_for_dialog(qtbot, window, "openShiftDialog")
    assert offer.reason.text() == "No shift is open on this terminal yet."
    shot(offer, "open_shift_dialog")
    type_into(qtbot, offer.float_edit, "100.00")
    qtbot.waitUntil(lambda: gone(offer))
    qtbot.waitUntil(lambda: window.status_shift.text() == "Shift SH-T01-0002 · Jane Smith")

    pay_cash_at_the_counter(qtbot, window)  # $145.50 kept, $4.50 change back

    activate(qtbot, window)
    qtbot.keyClick(window, Key.Key_F5)
    screen = window.screens["shift"]
    qtbot.waitUntil(lambda: screen.facts["payments"].text().startswith("1 "))
    # A blind close (the default): the cashier who will count never sees the expected cash.
    assert not screen.facts["expected"].isVisible()
    assert "$245.50" not in " ".join(label.text() for label in screen.findChildren(QLabel)
                                     if label.isVisible())  # fmt: skip

    qtbot.keyClick(screen.cash_in_button, Key.Key_I, ALT)
    cash = wait_for_dialog(qtbot, window, "cashInDialog")
    type_into(qtbot, cash.amount, "20")
    assert cash.reason.hasFocus()  # Enter moved on from the amount to the reason
    type_into(qtbot, cash.reason.lineEdit(), "Coins from the safe")
    qtbot.waitUntil(lambda: screen.facts["cash_in"].text() == "$20.00")

    activate(qtbot, window)
    qtbot.keyClick(screen.cash_out_button, Key.Key_U, ALT)
    cash = wait_for_dialog(qtbot, window, "cashOutDialog")
    type_into(qtbot, cash.amount, "500")
    type_into(qtbot, cash.reason.lineEdit(), "Bank drop")
    qtbot.waitUntil(lambda: cash.error.text() != "")
    assert cash.error.text() == (
        "That is more than the drawer should hold: take out less, or ask a supervisor."
    )
    shot(cash, "cash_out_refused")
    type_into(qtbot, cash.amount, "50")
    qtbot.waitUntil(lambda: screen.facts["cash_out"].text() == "$50.00")
    assert screen.message.text() == "Cash out recorded."
    assert "Out $50.00: Bank drop (Jane Smith)" in screen.movements.text()
    shot(window, "shift_status")

    # The count: $200 in notes and $5 in coins against $215.50 expected: $10.50 short.
    activate(qtbot, window)
    qtbot.keyClick(screen.close_button, Key.Key_C, ALT)  # a mnemonic clicks a moment later
    panel = screen.close_panel
    qtbot.waitUntil(lambda: 10000 in panel.counts and panel.counts[10000].hasFocus())
    for value, pieces in ((10000, "1"), (5000, "1"), (2000, "2"), (1000, "1")):
        type_into(qtbot, panel.counts[value], pieces)
    assert panel.counts[500].hasFocus()  # Enter moved down the grid
    assert panel.cash_total.text() == "$200.00"
    panel.counts[100].setFocus()
    type_into(qtbot, panel.counts[100], "5")
    # A blind count: what the drawer should hold stays hidden while the cashier counts.
    assert [panel.table.item(0, c).text() for c in range(5)] == ["Cash", "—", "—", "$205.00", "—"]
    assert "$215.50" not in panel.difference.text() + panel.approval.text()
    assert panel.close_button.text() == "Finish Count  (Ctrl+Enter)"
    shot(window, "close_screen_blind")

    qtbot.waitUntil(lambda: panel.registered is False)  # asked in the background
    qtbot.keyClick(panel.counts[100], Key.Key_Return, CTRL)  # the count is done
    assert panel.close_button.hasFocus() and panel.counts[100].isReadOnly()
    cash_row = [panel.table.item(0, c).text() for c in range(5)]
    assert cash_row == ["Cash", "1", "$215.50", "$205.00", "-$10.50"]
    assert panel.difference.text() == (
        "Difference -$10.50 (off by $10.50, more than the $5.00 allowed)"
    )
    assert panel.difference.property("role") == "error"
    # This counter was never registered with a server: its unsent payment is no reason.
    assert panel.approval.text() == (
        "A supervisor's PIN is needed to close: The count is off by $10.50 in all, more "
        "than the $5.00 allowed."
    )
    shot(window, "close_screen")

    qtbot.keyClick(panel.close_button, Key.Key_Return, CTRL)
    approval = wait_for_dialog(qtbot, window, "supervisorPinDialog")
    assert "off by $10.50" in approval.reasons.text()
    assert "not sent" not in approval.reasons.text()
    type_into(qtbot, approval.username, "mbrown")
    type_into(qtbot, approval.pin, "9999")
    qtbot.waitUntil(lambda: approval.error.text() == "Wrong supervisor user name or PIN.")
    assert current_shift(db.read()) is not None  # the wrong PIN closed nothing
    shot(approval, "supervisor_wrong_pin")
    type_into(qtbot, approval.pin, "2345")
    qtbot.waitUntil(lambda: gone(approval))

    report = screen.report_panel
    qtbot.waitUntil(lambda: report.report is not None)
    assert screen.pages.currentWidget() is report
    assert report.message.text() == "Shift SH-T01-0002 closed. Approved by Michael Brown."
    lines = report.report.text
    for expected in (
        "SHIFT REPORT (Z)",
        "Opening float",
        "$100.00",
        "Cash in",
        "$20.00",
        "Cash out",
        "-$50.00",
        "Expected cash",
        "$215.50",
        "Counted cash",
        "$205.00",
        "Cash difference",
        "-$10.50",
        "Total taken",
        "$145.50",
    ):
        assert expected in lines, expected
    assert any(line.startswith("Payments") and line.endswith(" 1") for line in lines.splitlines())
    assert any(line.startswith("Cash ") and line.endswith("$145.50") for line in lines.splitlines())
    assert "Difference approved by Michael Brown." in lines
    shot(window, "z_report")
    qtbot.waitUntil(lambda: window.status_shift.text() == "Shift: not open")
    assert current_shift(db.read()) is None


def test_the_z_report_can_be_saved_as_pdf_from_the_screen(qtbot, window, db, tmp_path):
    sign_in(qtbot, window, "jsmith", "1234")
    window.show_shift()
    screen = window.screens["shift"]
    qtbot.waitUntil(lambda: screen.shift is not None)
    screen.start_close()
    screen.close_panel.counts[10000].setValue(2)  # the $200 float, all there
    screen.close_panel.on_close_button_clicked()  # the blind count is done
    screen.close_panel.on_close_button_clicked()
    report = screen.report_panel
    qtbot.waitUntil(lambda: report.report is not None)
    target = tmp_path / "z.pdf"
    report.choose_pdf_path = lambda suggested: target
    activate(qtbot, window)
    qtbot.keyClick(report.done_button, Key.Key_D, CTRL)
    qtbot.waitUntil(lambda: report.message.text().startswith("Saved z.pdf"))
    assert target.read_bytes().startswith(b"%PDF")


def test_record_payment_without_a_shift_says_so_and_offers_to_open_one(qtbot, window, db):
    sign_in(qtbot, window, "mbrown", "2345")  # a supervisor is not offered a shift at sign-in
    close_the_sample_shift(db)
    window.refresh_status()
    qtbot.waitUntil(lambda: window.status_shift.text() == "Shift: not open")
    activate(qtbot, window)
    qtbot.keyClick(window, Key.Key_F2)
    offer = wait_for_dialog(qtbot, window, "openShiftDialog")
    assert offer.reason.text() == (
        "No shift is open on this terminal. Open a shift before recording payments."
    )
    assert window.stack.currentWidget() is not window.screens["record_payment"]
    type_into(qtbot, offer.float_edit, "75")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.screens["record_payment"])
    assert current_shift(db.read()).opening_float_minor == 7500


def test_closing_is_refused_while_a_payment_is_being_recorded(qtbot, window):
    sign_in(qtbot, window, "jsmith", "1234")
    activate(qtbot, window)
    qtbot.keyClick(window, Key.Key_F2)
    record = window.screens["record_payment"]
    qtbot.waitUntil(lambda: record.form.search.hasFocus())
    qtbot.keyClicks(record.form.search, "john")
    qtbot.waitUntil(lambda: record.form.results.count() == 1)
    qtbot.keyClick(record.form.search, Key.Key_Return)
    qtbot.waitUntil(lambda: record.has_unsaved_draft())

    qtbot.keyClick(window, Key.Key_F5)
    screen = window.screens["shift"]
    qtbot.waitUntil(lambda: screen.shift is not None)
    qtbot.keyClick(screen.close_button, Key.Key_C, ALT)
    qtbot.waitUntil(lambda: screen.message.text() != "")
    assert screen.message.text().startswith("A payment is being recorded on the Record Payment")
    assert screen.pages.currentWidget() is screen.status_page

    qtbot.keyClick(window, Key.Key_F2)  # back to the draft, and Cancel drops it
    record.form.cancel_button.click()
    assert not record.has_unsaved_draft()
    qtbot.keyClick(window, Key.Key_F5)
    qtbot.waitUntil(lambda: screen.shift is not None and screen.close_button.isVisible())
    qtbot.keyClick(screen.close_button, Key.Key_C, ALT)
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.close_panel)


def test_the_shift_entry_is_for_cashiers_and_supervisors_only(qtbot, window):
    sign_in(qtbot, window, "rpatel", "3456")
    assert not window.nav_shift.isVisible()
    activate(qtbot, window)
    qtbot.keyClick(window, Key.Key_F5)
    assert window.stack.currentWidget() is not window.screens["shift"]


def test_without_a_blind_close_the_cashier_sees_what_the_drawer_should_hold(qtbot, window, db):
    update_settings(db.unit_of_work(), {"blind_shift_close": False}, username="admin")
    window.apply_settings(current_settings(db.read()))
    sign_in(qtbot, window, "jsmith", "1234")
    activate(qtbot, window)
    qtbot.keyClick(window, Key.Key_F5)
    screen = window.screens["shift"]
    qtbot.waitUntil(lambda: screen.shift is not None)
    assert screen.facts["expected"].isVisible()
    assert screen.facts["expected"].text() == "$200.00"  # the sample shift's opening float
