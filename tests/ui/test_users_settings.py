"""Settings > Users from the keyboard: a new cashier, a PIN reset, disabling and enabling."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.db.database import Database
from app.services.actors import authenticate
from app.services.runtime import counter_for
from app.services.settings import current_settings
from ui.context import ClientContext
from ui.dialogs.user_dialogs import NewUserDialog, ResetPinDialog
from ui.main_window import MainWindow
from ui.ops import wait_for_all
from ui.screens.settings_users import UsersSection

from .test_settings_screen import go_to_section, open_settings, sign_in


@pytest.fixture
def users(qtbot, db: Database) -> UsersSection:
    counter = counter_for(db)
    context = ClientContext(
        counter=counter, settings=current_settings(counter.read()), terminal_code="T01"
    )
    window = MainWindow(context, idle_lock_ms=60_000)
    qtbot.addWidget(window)
    window.show()
    sign_in(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    go_to_section(qtbot, screen, "Users")
    section = screen.users
    qtbot.waitUntil(lambda: section.model.rowCount() == 4)
    yield section
    wait_for_all()


def rows(section: UsersSection) -> list[tuple[str, ...]]:
    model = section.model
    return [tuple(model.data(model.index(r, c)) for c in range(4)) for r in range(model.rowCount())]


def press(qtbot, button) -> None:
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)


def dialog_of(qtbot, section: UsersSection, kind: type[QDialog]) -> QDialog:
    qtbot.waitUntil(lambda: section.findChild(kind) is not None)
    dialog = section.findChild(kind)
    assert dialog.isVisible()
    return dialog


def pin_works(db: Database, username: str, pin: str) -> bool:
    with db.unit_of_work() as uow:
        try:
            return authenticate(uow, username, pin).username == username
        except Exception:
            return False


def test_the_admin_adds_a_cashier_who_can_then_sign_in(qtbot, users, db) -> None:
    press(qtbot, users.new_button)
    dialog = dialog_of(qtbot, users, NewUserDialog)
    qtbot.keyClicks(dialog.username, "kdavis")
    qtbot.keyClicks(dialog.full_name, "Kim Davis")
    qtbot.keyClicks(dialog.pin, "1111")
    qtbot.keyClicks(dialog.pin_again, "1111")
    qtbot.keyClick(dialog.pin_again, Qt.Key.Key_Return)
    assert dialog.rows["pin"].error.text() == "A PIN is 4 to 8 digits, not all the same digit."
    assert dialog.isVisible()

    for edit in (dialog.pin, dialog.pin_again):
        edit.clear()
    qtbot.keyClicks(dialog.pin, "4821")
    qtbot.keyClicks(dialog.pin_again, "4812")
    qtbot.keyClick(dialog.pin_again, Qt.Key.Key_Return)
    assert dialog.rows["pin_again"].error.text() == "The two PINs are not the same."

    dialog.pin_again.clear()
    qtbot.keyClicks(dialog.pin_again, "4821")
    qtbot.keyClick(dialog.pin_again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: users.model.rowCount() == 5)
    assert ("kdavis", "Kim Davis", "Cashier", "Active") in rows(users)
    assert users.selected.username == "kdavis"
    assert pin_works(db, "kdavis", "4821")


def test_a_taken_user_name_is_shown_beside_the_field(qtbot, users) -> None:
    press(qtbot, users.new_button)
    dialog = dialog_of(qtbot, users, NewUserDialog)
    qtbot.keyClicks(dialog.username, "mbrown")
    qtbot.keyClicks(dialog.full_name, "Another Brown")
    qtbot.keyClicks(dialog.pin, "4821")
    qtbot.keyClicks(dialog.pin_again, "4821")
    qtbot.keyClick(dialog.pin_again, Qt.Key.Key_Return)
    error = dialog.rows["username"].error
    qtbot.waitUntil(lambda: error.text() != "")
    assert error.text() == "User name 'mbrown' is already taken."
    assert dialog.isVisible()
    assert users.model.rowCount() == 4


def test_disable_then_enable_a_cashier(qtbot, users, db) -> None:
    users.table.setFocus()
    qtbot.keyClick(users.table, Qt.Key.Key_Down)  # admin -> jsmith
    assert users.selected.username == "jsmith"
    press(qtbot, users.active_button)
    qtbot.waitUntil(lambda: ("jsmith", "Jane Smith", "Cashier", "Disabled") in rows(users))
    assert users.selected.username == "jsmith"
    assert users.active_button.text() == "&Enable"
    assert not pin_works(db, "jsmith", "1234")
    press(qtbot, users.active_button)
    qtbot.waitUntil(lambda: ("jsmith", "Jane Smith", "Cashier", "Active") in rows(users))
    assert pin_works(db, "jsmith", "1234")


def test_the_admin_cannot_disable_themself(qtbot, users) -> None:
    assert users.selected.username == "admin"
    press(qtbot, users.active_button)
    qtbot.waitUntil(lambda: users.message.text() != "")
    assert users.message.text() == "You cannot disable yourself: ask another admin."
    assert rows(users)[0] == ("admin", "Administrator", "Admin", "Active")


def test_reset_a_pin(qtbot, users, db) -> None:
    users.table.selectRow(2)
    assert users.selected.username == "mbrown"
    press(qtbot, users.pin_button)
    dialog = dialog_of(qtbot, users, ResetPinDialog)
    assert dialog.windowTitle() == "Reset PIN — Michael Brown (mbrown)"
    qtbot.keyClicks(dialog.pin, "9731")
    qtbot.keyClicks(dialog.pin_again, "9731")
    qtbot.keyClick(dialog.pin_again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: users.findChild(ResetPinDialog) is None)  # closed and gone
    assert pin_works(db, "mbrown", "9731")
    assert not pin_works(db, "mbrown", "2345")
