"""Cancelling a plan from its screen: a billing manager confirms with a reason; a recovery
executive, who may modify plans, is not offered the action."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from app.db.database import Database
from tests.support.ui import SCREEN_HEIGHT, SCREEN_WIDTH, fits, main_window, open_plans, sign_in
from tests.support.ui_fixtures import QT_CLEANUP
from ui.dialogs.plan_cancel import CancelPlanDialog
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, db: Database, styled) -> Iterator[MainWindow]:
    yield from main_window(qtbot, db, idle_lock_ms=600_000, size=(SCREEN_WIDTH, SCREEN_HEIGHT))


pytestmark = QT_CLEANUP  # the screens' Qt clean-up


def open_plan(qtbot, window):
    screen = open_plans(qtbot, window)
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.detail.model.rowCount() == 3)
    return screen


def test_a_billing_manager_cancels_a_plan_after_confirming_with_a_reason(qtbot, window):
    sign_in(qtbot, window, "mbrown", "2345")
    screen = open_plan(qtbot, window)
    detail = screen.detail
    assert detail.cancel_button.isVisible()
    width, height, *_ = fits(window)
    assert width <= SCREEN_WIDTH and height <= SCREEN_HEIGHT

    qtbot.mouseClick(detail.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: detail.findChild(CancelPlanDialog) is not None)
    dialog = detail.findChild(CancelPlanDialog)
    assert dialog.heading.text() == "Cancel plan PP-2025-0034?"
    assert not dialog.ok_button.isEnabled()  # no reason, no cancellation
    qtbot.keyClicks(dialog.reason, "Consumer moved out")
    assert dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: detail.state.text() == "Cancelled", timeout=5000)
    states = {detail.model.index(r, 5).data() for r in range(3)}
    assert states == {"Cancelled"}
    assert not detail.cancel_button.isVisible() and not detail.modify_button.isVisible()


def test_keeping_the_plan_changes_nothing(qtbot, window):
    sign_in(qtbot, window, "mbrown", "2345")
    detail = open_plan(qtbot, window).detail
    qtbot.mouseClick(detail.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: detail.findChild(CancelPlanDialog) is not None)
    dialog = detail.findChild(CancelPlanDialog)
    qtbot.keyClicks(dialog.reason, "changed my mind")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert detail.state.text() != "Cancelled" and detail.cancel_button.isVisible()


def test_a_recovery_executive_may_modify_but_is_not_offered_cancel(qtbot, window):
    sign_in(qtbot, window, "rpatel", "3456")
    detail = open_plan(qtbot, window).detail
    assert detail.modify_button.isVisible() and not detail.cancel_button.isVisible()
