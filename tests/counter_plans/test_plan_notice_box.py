"""The "waiting for the server" notice on the plan screen is drawn as the stylesheet's notice
box: its text inset by the box's padding, as tall as the cancel reason's box above it (it
starts as an error label and is restyled; the padding used to stay behind)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest

from app.db.database import Database
from tests.support.ui import SCREEN_HEIGHT, SCREEN_WIDTH, main_window, open_cancelled_plan, sign_in
from tests.support.ui_fixtures import QT_CLEANUP
from ui.main_window import MainWindow

pytestmark = QT_CLEANUP


@pytest.fixture
def window(qtbot, db: Database, styled) -> Iterator[MainWindow]:
    yield from main_window(qtbot, db, idle_lock_ms=600_000, size=(SCREEN_WIDTH, SCREEN_HEIGHT))


def test_the_waiting_notice_has_the_notice_box_padding(qtbot, window, db) -> None:
    sign_in(qtbot, window, "rpatel", "3456")
    detail = open_cancelled_plan(qtbot, window, db, "PP-2025-0034", "Consumer moved out")
    qtbot.waitUntil(
        lambda: detail.notice.isVisible() and detail.cancelled.isVisible(), timeout=5000
    )

    assert "waiting for the server" in detail.notice.text()
    assert detail.notice.contentsRect().left() == detail.cancelled.contentsRect().left() > 0
    assert detail.notice.height() == detail.cancelled.height()
