"""The plan screen says why a cancelled plan was cancelled, and by whom (here the reason came
with the plan; on another counter the feed brings it - test_plan_cancel_notices)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest

from app.db.database import Database
from tests.support.ui import (
    SCREEN_HEIGHT,
    SCREEN_WIDTH,
    fits,
    main_window,
    open_cancelled_plan,
    shot,
    sign_in,
)
from tests.support.ui_fixtures import QT_CLEANUP
from ui.main_window import MainWindow

pytestmark = QT_CLEANUP  # the screens' Qt clean-up


@pytest.fixture
def window(qtbot, db: Database, styled) -> Iterator[MainWindow]:
    yield from main_window(qtbot, db, idle_lock_ms=600_000, size=(SCREEN_WIDTH, SCREEN_HEIGHT))


def test_a_cancelled_plan_shows_its_reason_on_the_plan_screen(qtbot, window, db) -> None:
    sign_in(qtbot, window, "rpatel", "3456")
    detail = open_cancelled_plan(qtbot, window, db, "PP-2025-0034", "Consumer moved out")
    qtbot.waitUntil(lambda: detail.state.text() == "Cancelled", timeout=5000)

    assert detail.cancelled.isVisible()
    assert detail.cancelled.text() == "Cancelled by mbrown: Consumer moved out"
    width, height, *_ = fits(window)
    assert width <= SCREEN_WIDTH and height <= SCREEN_HEIGHT
    shot(window, "plan_cancel_reason_1024x768")
