"""The consumer profile's Disputes tab, driven from the keyboard as a cashier does: a new
dispute on a bill, special circumstances ticked with Space, and a refusal shown in the dialog."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services.circumstances import circumstances_of
from app.services.disputes import disputes_of
from app.services.record_payment import PaymentRequest, record_payment
from tests.support.ui import holds_tab as _holds
from tests.support.ui import modal_dialog as _dialog
from tests.support.ui import settle_once as settle
from ui.dialogs.dispute_circumstances import CircumstancesDialog
from ui.dialogs.dispute_dialogs import OpenDisputeDialog, UpdateDisputeDialog

ALT = Qt.KeyboardModifier.AltModifier


def test_a_cashier_records_a_dispute_on_a_bill_from_the_keyboard(qtbot, profile, context) -> None:
    holds = _holds(qtbot, profile)
    qtbot.keyClick(holds.table, Qt.Key.Key_D, ALT)  # New &dispute…
    dialog = _dialog(qtbot, OpenDisputeDialog)
    assert dialog.number.currentText() == "INV-2025-001567"  # the newest bill is offered first
    qtbot.keyClick(dialog.subject, Qt.Key.Key_N, ALT)
    dialog.number.setCurrentText("INV-2025-001234")
    qtbot.keyClick(dialog.number, Qt.Key.Key_R, ALT)
    qtbot.keyClicks(dialog.reason, "Meter read twice in March")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.owner, "rpatel")
    qtbot.keyClick(dialog.owner, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: holds.table.rowCount() == 1)
    assert profile.tabs.tabText(profile.tabs.indexOf(holds)) == "Disputes (1)"
    assert [holds.table.item(0, c).text() for c in (1, 2, 3)] == [
        "INV-2025-001234", "Open", "rpatel",
    ]  # fmt: skip
    [saved] = disputes_of(context.counter.read(), "WU-10001")
    assert (saved.reason, saved.opened_by) == ("Meter read twice in March", "jsmith")

    # A cashier may not settle it: the refusal stays in the dialog, nothing changes.
    profile.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is profile)
    holds.table.setFocus()
    qtbot.keyClick(holds.table, Qt.Key.Key_U, ALT)
    update = _dialog(qtbot, UpdateDisputeDialog)
    update.status.setCurrentIndex(update.status.findData("rejected"))
    update.resolution.setPlainText("Read checked")
    qtbot.keyClick(update.status, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: update.form_error.text() != "")
    assert update.form_error.text() == "A cashier may not resolve or reject disputes."
    qtbot.keyClick(update.status, Qt.Key.Key_Escape)
    settle()
    assert disputes_of(context.counter.read(), "WU-10001")[0].status == "open"


def test_special_circumstances_are_ticked_and_shown_on_the_profile(qtbot, profile, context):
    holds = _holds(qtbot, profile)
    assert holds.summary.text() == "Special circumstances: None recorded."
    qtbot.keyClick(holds.table, Qt.Key.Key_C, ALT)
    dialog = _dialog(qtbot, CircumstancesDialog)
    qtbot.keyClick(dialog.kinds["medical"], Qt.Key.Key_Space)  # the focus starts there
    dialog.channel.setCurrentIndex(dialog.channel.findData("sms"))
    qtbot.keyClick(dialog.channel, Qt.Key.Key_T, ALT)
    qtbot.keyClicks(dialog.start, "1700")
    qtbot.keyClick(dialog.start, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.end, "2000")
    qtbot.keyClick(dialog.end, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: "Medical" in holds.summary.text())
    assert "Recovery charges nothing automatically before a review." in holds.summary.text()
    assert "Prefers channel sms, 17:00-20:00." in holds.summary.text()
    assert "Set by jsmith" in holds.summary.text()
    saved = circumstances_of(context.counter.read(), "WU-10001")
    assert (saved.circumstances, saved.preferred_from) == (("medical",), "17:00")


@pytest.mark.parametrize("width", [1024])
def test_the_disputes_tab_fits_a_1024_by_768_screen(qtbot, profile, width) -> None:
    _holds(qtbot, profile)
    profile.resize(width, 700)
    QApplication.processEvents()
    assert profile.width() <= width
    assert profile.minimumSizeHint().width() <= width


def test_a_payment_is_disputed_from_its_details(qtbot, keep, open_screen, context) -> None:
    receipt = record_payment(
        context.counter.write(),
        PaymentRequest(
            account_number="WU-10001", payment_type="Bill", items=("INV-2025-001234",),
            method="Cash", amount="20.00", username="jsmith",
        ),
    ).receipt_number  # fmt: skip
    screen = open_screen(context, receipt)
    qtbot.waitUntil(lambda: screen.dispute_button.isEnabled())
    qtbot.keyClick(screen, Qt.Key.Key_D, ALT)
    dialog = _dialog(qtbot, OpenDisputeDialog)
    assert (dialog.subject.currentData(), dialog.number.currentText()) == ("payment", receipt)
    assert dialog.reason.hasFocus()
    qtbot.keyClicks(dialog.reason, "Charged twice")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Tab)  # to the owner, then Enter saves
    qtbot.keyClick(dialog.owner, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    settle()
    [saved] = disputes_of(context.counter.read(), "WU-10001")
    assert (saved.subject, saved.reason) == ("payment", "Charged twice")
