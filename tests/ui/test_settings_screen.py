"""The admin's Settings screen, driven from the keyboard: formats with a live preview, saving
that validates everything first, and a cashier who cannot get in."""

import json
import os
import re

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from app.db.database import Database
from app.db.tables import AuditEvent
from app.domain.errors import PermissionDenied
from app.services.record_payment import PaymentRequest, record_payment
from app.services.settings import current_settings, update_settings
from tests.support.ui import go_to_section, open_settings, retype, sign_in
from ui.main_window import MainWindow
from ui.ops import wait_for_all


@pytest.fixture
def window(main_window: MainWindow) -> MainWindow:
    return main_window


def audit_count(db: Database, action: str) -> int:
    with db.unit_of_work() as uow:
        return uow.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        )


def test_change_a_number_format_and_see_the_next_receipt_use_it(qtbot, window, db) -> None:
    sign_in(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    go_to_section(qtbot, screen, "Numbering")
    numbering = screen.numbering
    receipt, preview = numbering.formats["receipt"], numbering.previews["receipt"]
    qtbot.waitUntil(lambda: preview.text() == "Next: R-T01-0001")

    retype(qtbot, receipt, "RCPT-{YY}-{SEQ:5}")  # no terminal code: refused as typed
    error = numbering.rows["number_formats.receipt"].error
    assert error.isVisible()
    assert "needs the {TERM} token" in error.text()
    assert preview.text() == ""

    retype(qtbot, receipt, "RCPT-{YY}-{TERM}-{SEQ:5}")
    assert not error.isVisible()
    qtbot.waitUntil(lambda: preview.text() == "Next: RCPT-25-T01-00001")
    assert screen.state.text() == "Unsaved changes"

    qtbot.keyClick(receipt, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.state.text() == "All changes saved")
    assert current_settings(db.unit_of_work()).number_formats["receipt"] == (
        "RCPT-{YY}-{TERM}-{SEQ:5}"
    )
    assert window.context.settings.number_formats["receipt"] == "RCPT-{YY}-{TERM}-{SEQ:5}"

    request = PaymentRequest(
        account_number="WU-10001",
        payment_type="bill",
        items=("INV-2025-001234",),
        method="Cash",
        amount="145.50",
        username="jsmith",
    )
    assert record_payment(db.unit_of_work(), request).receipt_number == "RCPT-25-T01-00001"


def test_save_shows_each_problem_beside_its_field_and_writes_nothing(qtbot, window, db) -> None:
    sign_in(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    before = audit_count(db, "settings.changed")
    go_to_section(qtbot, screen, "Credit notes")
    notes = screen.credit_notes
    reasons = [r for r in notes.reasons.toPlainText().splitlines() if r != "Overpayment"]
    notes.reasons.setPlainText("\n".join(reasons))
    retype(qtbot, notes.approval, "a lot")
    go_to_section(qtbot, screen, "Shifts")
    retype(qtbot, screen.shifts.difference, "7.50")

    qtbot.keyClick(screen.shifts.difference, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert screen.stack.currentWidget() is notes  # the first section with a problem opens
    assert notes.rows["credit_note_reasons"].error.text() == (
        "The credit-note reason 'Overpayment' cannot be removed."
    )
    assert notes.rows["credit_note_approval_minor"].error.text() == (
        "The approval amount must be a number, not 'a lot'."
    )
    assert notes.reasons.hasFocus()
    wait_for_all()
    saved = current_settings(db.unit_of_work())
    assert "Overpayment" in saved.credit_note_reasons
    assert saved.shift_difference_threshold_minor == 500  # the valid change waited too
    assert audit_count(db, "settings.changed") == before


def test_saved_settings_are_audited_and_reach_the_window(qtbot, window, db) -> None:
    sign_in(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    general = screen.general
    general.header.setFocus()
    general.header.selectAll()
    qtbot.keyClicks(general.header, "Cityville Water")
    qtbot.keyClick(general.header, Qt.Key.Key_Return)
    qtbot.keyClicks(general.header, "12 Main Street")
    go_to_section(qtbot, screen, "Shifts")
    screen.shifts.idle_lock.setFocus()
    screen.shifts.idle_lock.selectAll()
    qtbot.keyClicks(screen.shifts.idle_lock, "12")
    qtbot.keyClick(screen.shifts.idle_lock, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.state.text() == "All changes saved")

    saved = current_settings(db.unit_of_work())
    assert saved.receipt_header == "Cityville Water\n12 Main Street"
    assert saved.idle_lock_minutes == 12
    assert window.idle.interval() == 12 * 60_000
    with db.unit_of_work() as uow:
        before_json, after_json = uow.session.execute(
            select(AuditEvent.before_json, AuditEvent.after_json).where(
                AuditEvent.action == "settings.changed"
            )
        ).one()
    assert json.loads(before_json) == {
        "idle_lock_minutes": 5,
        "receipt_header": "Tilldesk Utility Service Center",
    }
    assert json.loads(after_json)["receipt_header"] == "Cityville Water\n12 Main Street"


def test_discard_puts_back_what_is_saved(qtbot, window) -> None:
    sign_in(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    go_to_section(qtbot, screen, "Payments")
    retype(qtbot, screen.payments.overpayment, "25")
    assert screen.state.text() == "Unsaved changes"
    screen.discard_button.click()
    assert screen.payments.overpayment.text() == "500.00"
    assert screen.state.text() == "All changes saved"


def test_a_cashier_cannot_open_settings(qtbot, window, db) -> None:
    sign_in(qtbot, window, "jsmith", "1234")
    assert not window.nav_settings.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_F6)
    assert window.stack.currentWidget() is window.screens["landing"]
    assert "settings" not in window.screens  # never even built for a cashier
    with pytest.raises(PermissionDenied, match=re.escape("A cashier may not change settings.")):
        update_settings(db.unit_of_work(), {"idle_lock_minutes": 1}, username="jsmith")


@pytest.mark.parametrize(
    ("username", "pin"), [("admin", "0000"), ("mbrown", "2345"), ("jsmith", "1234")]
)
def test_the_navigation_bar_fits_a_1366_pixel_screen(qtbot, window, username, pin) -> None:
    sign_in(qtbot, window, username, pin)
    assert window.nav.minimumSizeHint().width() <= 1366 - 120  # room for one more entry
    assert window.nav_dashboard.text() == "Dashboard"
    assert window.nav_dashboard.toolTip() == "Dashboard (F1)"
    assert window.nav_settings.isVisible() is (username == "admin")


def test_the_admin_picks_a_receipt_logo_and_sees_it_before_saving(
    qtbot, window, db, tmp_path
) -> None:
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (800, 200), "white")
    ImageDraw.Draw(picture).rectangle((20, 20, 780, 180), fill="navy")
    path = tmp_path / "logo.jpg"
    picture.save(path)
    sign_in(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    general = screen.general
    assert general.logo_preview.text() == "No logo"
    assert not general.remove_logo_button.isEnabled()

    general.choose_logo(path)  # what "Choose image…" does with the file picked
    qtbot.waitUntil(lambda: general.logo_note.text().startswith("384 × 96"))
    assert not general.logo_preview.pixmap().isNull()
    assert screen.state.text() == "Unsaved changes"
    qtbot.keyClick(general.currency, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.state.text() == "All changes saved")
    assert current_settings(db.unit_of_work()).receipt_logo == general.logo != ""

    press_remove = general.remove_logo_button
    press_remove.setFocus()
    qtbot.keyClick(press_remove, Qt.Key.Key_Space)
    assert general.logo_preview.text() == "No logo"
    qtbot.keyClick(press_remove, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.state.text() == "All changes saved")
    assert current_settings(db.unit_of_work()).receipt_logo == ""


def test_a_file_that_is_not_an_image_is_explained_beside_the_logo(qtbot, window, tmp_path) -> None:
    path = tmp_path / "notes.png"
    path.write_text("just text")
    sign_in(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    screen.general.choose_logo(path)
    error = screen.general.rows["receipt_logo"].error
    qtbot.waitUntil(lambda: error.text() != "")
    assert error.text().startswith("notes.png is not an image Tilldesk can read")
    assert screen.state.text() == "All changes saved"


def test_a_new_channel_and_method_are_offered_when_recording_a_payment(qtbot, window, db) -> None:
    sign_in(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    go_to_section(qtbot, screen, "Payments")
    payments = screen.payments
    payments.channels.setFocus()
    qtbot.keyClick(payments.channels, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(payments.channels, Qt.Key.Key_Return)
    qtbot.keyClicks(payments.channels, "Kiosk")
    payments.add_method_button.setFocus()
    qtbot.keyClick(payments.add_method_button, Qt.Key.Key_Space)
    editor = QApplication.focusWidget()  # the name cell, opened for typing
    qtbot.keyClicks(editor, "UPI")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    kinds = payments.methods.cellWidget(payments.methods.rowCount() - 1, 1)
    kinds.setCurrentIndex(kinds.findData("wallet"))
    qtbot.keyClick(payments.channels, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.state.text() == "All changes saved")

    saved = current_settings(db.unit_of_work())
    assert saved.channels[-1] == "Kiosk"
    assert (saved.methods[-1].name, saved.methods[-1].kind) == ("UPI", "wallet")
    qtbot.keyClick(window, Qt.Key.Key_F2)
    form = window.screens["record_payment"].form
    assert [form.channel.itemText(i) for i in range(form.channel.count())][-1] == "Kiosk"
    assert form.method.itemText(form.method.count() - 1) == "UPI"
    assert form.channel.currentText() == "Walk-in"
