"""Driving the client window in tests: signing in, keys, settings sections, screenshots, fit."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.db.database import Database
from app.services.counter_plans_cancel import cancel_plan
from app.services.runtime import counter_for
from app.services.settings import current_settings
from ui.context import ClientContext
from ui.main_window import MainWindow
from ui.ops import wait_for_all
from ui.screens.plans import PlansScreen
from ui.screens.settings import SettingsScreen

Key = Qt.Key
SHOTS = os.environ.get("TILLDESK_SHOTS")  # a folder: save what the cashier sees there
SCREEN_WIDTH, SCREEN_HEIGHT = 1024, 768


def main_window(
    qtbot, db: Database, *, idle_lock_ms: int, size: tuple[int, int] | None = None
) -> Iterator[MainWindow]:
    """The client's window on `db`, shown (for a fixture to `yield from`)."""
    counter = counter_for(db)
    context = ClientContext(
        counter=counter, settings=current_settings(counter.read()), terminal_code="T01"
    )
    main = MainWindow(context, idle_lock_ms=idle_lock_ms)
    qtbot.addWidget(main)
    if size is not None:
        main.resize(*size)
    main.show()
    yield main
    wait_for_all()


def shot(widget, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def activate(qtbot, window: MainWindow) -> None:
    """Window shortcuts need an active window; offscreen no window manager gives it back."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def type_credentials(qtbot, window: MainWindow, username: str, pin: str) -> None:
    """Username, Enter, PIN, Enter on the sign-in screen; then the window made active."""
    qtbot.keyClicks(window.sign_in.username, username)
    qtbot.keyClick(window.sign_in.username, Qt.Key.Key_Return)
    qtbot.keyClicks(window.sign_in.secret, pin)
    qtbot.keyClick(window.sign_in.secret, Qt.Key.Key_Return)
    # Window shortcuts need an active window; offscreen there is no window manager to do it.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def sign_in(qtbot, window: MainWindow, username: str, pin: str) -> None:
    """Signed in and on the landing page, the window active."""
    qtbot.keyClicks(window.sign_in.username, username)
    qtbot.keyClick(window.sign_in.username, Qt.Key.Key_Return)
    qtbot.keyClicks(window.sign_in.secret, pin)
    qtbot.keyClick(window.sign_in.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.screens.get("landing"))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def sign_in_shift_known(qtbot, window: MainWindow, username: str, pin: str) -> None:
    """Signed in, the window active, and the shift guard knows whether a shift is open."""
    qtbot.keyClicks(window.sign_in.username, username)
    qtbot.keyClick(window.sign_in.username, Key.Key_Return)
    qtbot.keyClicks(window.sign_in.secret, pin)
    qtbot.keyClick(window.sign_in.secret, Key.Key_Return)
    activate(qtbot, window)
    qtbot.waitUntil(lambda: window.shift_guard.known)


def on(window: MainWindow, screen: str) -> bool:
    return window.stack.currentWidget() is window.screens.get(screen)


def type_into(qtbot, widget, text: str, then=Key.Key_Return) -> None:
    """Type over what the field holds, as a cashier does, then press Enter."""
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, text)
    if then is not None:
        qtbot.keyClick(widget, then)


def replace_text(qtbot, widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll() if hasattr(widget, "selectAll") else widget.lineEdit().selectAll()
    qtbot.keyClicks(widget if hasattr(widget, "selectAll") else widget.lineEdit(), text)


def retype(qtbot, edit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def open_settings(qtbot, window: MainWindow) -> SettingsScreen:
    qtbot.keyClick(window, Qt.Key.Key_F6)
    screen = window.screens["settings"]
    assert window.stack.currentWidget() is screen
    qtbot.waitUntil(lambda: screen.loaded is not None)
    return screen  # type: ignore[return-value]


def go_to_section(qtbot, screen: SettingsScreen, title: str) -> None:
    """Down the section list with the arrow keys, as a keyboard user does."""
    screen.sections.setFocus()
    while screen.stack.currentWidget().title != title:
        qtbot.keyClick(screen.sections, Qt.Key.Key_Down)


def settle() -> None:
    """Let the screen's service calls answer and their text reach the widgets."""
    for _ in range(3):
        wait_for_all()
        QApplication.processEvents()


def settle_once() -> None:
    """Let every service call finish and its answer land before the screen is freed.

    A test's screen has no parent, so Python frees it; freeing it while answers are still
    queued for its ops crashes PySide 6.11 (in the app every screen has a parent).
    """
    wait_for_all()
    QApplication.processEvents()


def fits(window: MainWindow) -> tuple[int, int, int, int]:
    settle()
    hint = window.minimumSizeHint().expandedTo(window.minimumSize())
    return hint.width(), hint.height(), window.width(), window.height()


def sign_in_until_actor(qtbot, window: MainWindow, username: str, pin: str) -> None:
    """Credentials typed, then wait until the window's context has the signed-in actor."""
    type_credentials(qtbot, window, username, pin)
    qtbot.waitUntil(lambda: window.context.actor is not None)


def holds_tab(qtbot, profile):
    """The consumer profile's Disputes tab, loaded, its table focused."""
    profile.tabs.setCurrentWidget(profile.holds)
    qtbot.waitUntil(lambda: profile.holds.new_button.isEnabled())
    profile.holds.table.setFocus()
    return profile.holds


def modal_dialog(qtbot, kind):
    """The modal dialog of type `kind` once it is up, made the active window."""
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), kind))
    dialog = QApplication.activeModalWidget()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def open_plans(qtbot, window: MainWindow) -> PlansScreen:
    qtbot.keyClick(window, Qt.Key.Key_F8)  # the Recovery menu, then its Payment plans item
    qtbot.waitUntil(lambda: window.recovery_menu.isVisible())
    [item] = [a for a in window.recovery_menu.actions() if a.text() == "Payment plans"]
    window.recovery_menu.setActiveAction(item)
    qtbot.keyClick(window.recovery_menu, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.stack.currentWidget(), PlansScreen))
    window.activateWindow()  # the closed menu leaves no active window offscreen
    screen = window.stack.currentWidget()
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0)
    return screen


def open_cancelled_plan(qtbot, window: MainWindow, db: Database, plan: str, reason: str):
    """A billing manager (mbrown) cancels `plan` with `reason` while the plan screen is open;
    All plans, Enter on it: the plan's detail (still being drawn: wait for what you check)."""
    screen = open_plans(qtbot, window)
    cancel_plan(db.unit_of_work(), plan, reason, username="mbrown")
    screen.filter.setCurrentIndex(screen.filter.findText("All plans"))
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1)
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    return screen.detail
