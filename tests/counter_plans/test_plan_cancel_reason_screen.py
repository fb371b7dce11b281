"""The plan screen says why a cancelled plan was cancelled, and by whom (here the reason came
with the plan; on another counter the feed brings it - test_plan_cancel_notices)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.db.database import Database
from app.services.counter_plans_cancel import cancel_plan
from tests.support.ui import SCREEN_HEIGHT, SCREEN_WIDTH, fits, main_window, open_plans, sign_in
from tests.support.ui_fixtures import QT_CLEANUP
from ui.main_window import MainWindow

SHOTS = Path(os.environ.get("TILLDESK_SCREENSHOTS", "/tmp/tilldesk-shots"))
pytestmark = QT_CLEANUP  # the screens' Qt clean-up


@pytest.fixture
def window(qtbot, db: Database, styled) -> Iterator[MainWindow]:
    yield from main_window(qtbot, db, idle_lock_ms=600_000, size=(SCREEN_WIDTH, SCREEN_HEIGHT))


def test_a_cancelled_plan_shows_its_reason_on_the_plan_screen(qtbot, window, db) -> None:
    sign_in(qtbot, window, "rpatel", "3456")
    screen = open_plans(qtbot, window)
    cancel_plan(db.unit_of_work(), "PP-2025-0034", "Consumer moved out", username="mbrown")
    screen.filter.setCurrentIndex(screen.filter.findText("All plans"))
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1)
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    detail = screen.detail
    qtbot.waitUntil(lambda: detail.state.text() == "Cancelled", timeout=5000)

    assert detail.cancelled.isVisible()
    assert detail.cancelled.text() == "Cancelled by mbrown: Consumer moved out"
    width, height, *_ = fits(window)
    assert width <= SCREEN_WIDTH and height <= SCREEN_HEIGHT
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "plan_cancel_reason_1024x768.png"))
