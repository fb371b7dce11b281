"""The sign-in and lock screens say how long a locked-out user waits; supervisors see alerts."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from app.db.database import Database
from tests.support.clock import FakeClock
from tests.support.ui import main_window
from tests.support.ui import type_credentials as sign_in
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, db: Database) -> Iterator[MainWindow]:
    yield from main_window(qtbot, db, idle_lock_ms=60_000)


def type_pin(qtbot, window, pin: str) -> str:
    window.sign_in.secret.clear()
    window.sign_in.error.clear()
    qtbot.keyClicks(window.sign_in.secret, pin)
    qtbot.keyClick(window.sign_in.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.sign_in.error.text() != "")
    return window.sign_in.error.text()


def test_the_sign_in_screen_says_how_long_a_locked_user_waits(qtbot, window) -> None:
    qtbot.keyClicks(window.sign_in.username, "jsmith")
    for _ in range(4):
        assert type_pin(qtbot, window, "9999") == "Wrong user name or PIN."
    assert "Try again in 30 seconds." in type_pin(qtbot, window, "9999")
    message = type_pin(qtbot, window, "1234")  # the right PIN, while locked
    assert message.startswith("Too many wrong PINs") and "30 seconds" in message
    assert window.stack.currentWidget() is window.sign_in


def test_the_lock_screen_refuses_a_locked_user_with_the_wait(
    qtbot, window, clock: FakeClock
) -> None:
    sign_in(qtbot, window, "jsmith", "1234")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is not window.sign_in)
    window.lock()
    for _ in range(5):
        type_pin(qtbot, window, "0000")
    assert "Try again in 30 seconds." in window.sign_in.error.text()
    clock.advance(seconds=31)
    window.sign_in.secret.clear()
    qtbot.keyClicks(window.sign_in.secret, "1234")
    qtbot.keyClick(window.sign_in.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is not window.sign_in)


def test_a_supervisor_sees_a_burst_of_wrong_pins_in_the_status_bar(
    qtbot, window, clock: FakeClock
) -> None:
    qtbot.keyClicks(window.sign_in.username, "rpatel")
    for _ in range(5):
        type_pin(qtbot, window, "9999")
    clock.advance(minutes=1)
    window.sign_in.username.clear()
    sign_in(qtbot, window, "jsmith", "1234")  # a cashier is not told
    qtbot.waitUntil(lambda: window.stack.currentWidget() is not window.sign_in)
    window.refresh_status()  # for a cashier the alert is hidden there and then, not later
    assert not window.status_alert.isVisible()
    window.sign_out()
    window.sign_in.username.clear()
    sign_in(qtbot, window, "mbrown", "2345")
    qtbot.waitUntil(lambda: window.status_alert.isVisible())
    assert "5 wrong PINs for user rpatel on terminal T01" in window.status_alert.text()
