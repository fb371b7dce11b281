"""The close count is blind by default, a setting turns that off, and a standalone counter's
unsent payments need no supervisor while a registered counter's do."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import text

from app.db.database import Database
from app.services.record_payment import PaymentRequest, record_payment
from app.services.settings import current_settings, update_settings
from tests.support.ui import activate, go_to_section, main_window, open_settings, shot, type_into
from tests.support.ui import sign_in as sign_in_to_landing
from tests.support.ui import sign_in_shift_known as sign_in
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, db: Database) -> Iterator[MainWindow]:
    yield from main_window(qtbot, db, idle_lock_ms=600_000, size=(1280, 800))


CTRL = Qt.KeyboardModifier.ControlModifier


def pay_the_march_bill(db: Database) -> None:
    """$145.50 cash into Jane Smith's sample shift: the drawer should hold $345.50."""
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type="Bill",
        items=("INV-2025-001234",),
        method="Cash",
        amount="145.50",
        username="jsmith",
    )
    record_payment(db.unit_of_work(), request)


def register_with_a_server(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.session.execute(
            text(
                "INSERT INTO sync_state (id, server_url, terminal_code, cursor, failures) "
                "VALUES (1, 'https://central.example', 'T01', 0, 0) "
                "ON CONFLICT (id) DO UPDATE SET server_url = excluded.server_url"
            )
        )
        uow.commit()


def start_close(qtbot, window: MainWindow):
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    screen = window.screens["shift"]
    qtbot.waitUntil(lambda: screen.shift is not None and screen.close_button.isVisible())
    qtbot.keyClick(screen.close_button, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    panel = screen.close_panel
    qtbot.waitUntil(lambda: 10000 in panel.counts and panel.counts[10000].hasFocus())
    return screen, panel


def test_a_blind_count_shows_nothing_expected_until_it_is_finished(qtbot, window, db):
    pay_the_march_bill(db)
    sign_in(qtbot, window, "jsmith", "1234")
    _screen, panel = start_close(qtbot, window)
    type_into(qtbot, panel.counts[10000], "3")  # $300 of $345.50
    assert [panel.table.item(0, c).text() for c in range(5)] == ["Cash", "—", "—", "$300.00", "—"]
    assert panel.difference.text() == (
        "Blind count: the expected amounts show when you finish counting."
    )
    assert "$345.50" not in panel.difference.text() + panel.approval.text()
    shot(window, "close_blind_counting")

    qtbot.waitUntil(lambda: panel.registered is False)  # asked in the background
    qtbot.keyClick(panel.counts[5000], Qt.Key.Key_Return, CTRL)
    assert [panel.table.item(0, c).text() for c in range(5)] == [
        "Cash", "1", "$345.50", "$300.00", "-$45.50"
    ]  # fmt: skip
    assert panel.difference.text().startswith("Difference -$45.50")
    assert panel.counts[10000].isReadOnly()  # the finished count is what was counted
    qtbot.keyClicks(panel.counts[10000], "9")
    assert panel.counts[10000].value() == 3
    assert panel.close_button.text() == "Close Shift  (Ctrl+Enter)"
    shot(window, "close_blind_finished")


def test_a_standalone_counter_closes_with_unsent_payments_and_no_supervisor(qtbot, window, db):
    pay_the_march_bill(db)  # waiting in the outbox, with no server to go to
    sign_in(qtbot, window, "jsmith", "1234")
    screen, panel = start_close(qtbot, window)
    for value, pieces in ((10000, "3"), (5000, "0"), (2000, "2"), (1000, "0"), (500, "1")):
        type_into(qtbot, panel.counts[value], pieces)
    panel.counts[25].setFocus()
    type_into(qtbot, panel.counts[25], "2")
    qtbot.keyClick(panel.counts[25], Qt.Key.Key_Return, CTRL)  # finish the count
    qtbot.waitUntil(lambda: panel.approval.text() == "No supervisor approval needed.")
    qtbot.keyClick(panel.close_button, Qt.Key.Key_Return, CTRL)
    report = screen.report_panel
    qtbot.waitUntil(lambda: report.report is not None)
    assert report.message.text() == "Shift SH-T01-0001 closed."


def test_a_registered_counter_needs_a_supervisor_for_unsent_payments(qtbot, window, db):
    register_with_a_server(db)
    changed = update_settings(db.unit_of_work(), {"blind_shift_close": False}, username="admin")
    window.apply_settings(changed.settings)
    pay_the_march_bill(db)
    sign_in(qtbot, window, "jsmith", "1234")
    _screen, panel = start_close(qtbot, window)
    type_into(qtbot, panel.counts[10000], "3")
    # Not blind: expected and difference follow the count as it is typed.
    qtbot.waitUntil(lambda: "not sent" in panel.approval.text())
    assert [panel.table.item(0, c).text() for c in range(5)] == [
        "Cash", "1", "$345.50", "$300.00", "-$45.50"
    ]  # fmt: skip
    assert "1 payment of this shift is not sent" in panel.approval.text()
    assert panel.close_button.text() == "Close Shift  (Ctrl+Enter)"
    shot(window, "close_not_blind")


def test_the_shifts_settings_turn_the_blind_count_off(qtbot, window, db):
    assert current_settings(db.read()).blind_shift_close is True
    sign_in_to_landing(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    go_to_section(qtbot, screen, "Shifts")
    blind = screen.shifts.blind
    assert blind.objectName() == "blindShiftClose" and blind.isChecked()
    shot(window, "settings_shifts")
    blind.setFocus()
    qtbot.keyClick(blind, Qt.Key.Key_Space)
    qtbot.keyClick(blind, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: screen.state.text() == "All changes saved")
    assert current_settings(db.read()).blind_shift_close is False


@pytest.mark.parametrize("value", ["yes", 1])
def test_the_blind_setting_is_true_or_false(db, value):
    from app.domain.errors import UserFacingError

    with pytest.raises(UserFacingError, match="true or false"):
        update_settings(db.unit_of_work(), {"blind_shift_close": value}, username="admin")
