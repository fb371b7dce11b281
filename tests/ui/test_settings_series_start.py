"""Settings > Numbering's "Start a series at" row, driven from the keyboard: on a counter that
has no server the reason is shown beside the row and nothing changes (the server side, with
real PostgreSQL, is in tests/sync_client/test_series_start.py)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from app.db.database import Database
from tests.support.ui import go_to_section, main_window, open_settings, sign_in
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, db: Database) -> Iterator[MainWindow]:
    yield from main_window(qtbot, db, idle_lock_ms=60_000, size=(1366, 768))


def test_a_standalone_counter_is_told_it_needs_a_server(qtbot, window) -> None:
    sign_in(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    go_to_section(qtbot, screen, "Numbering")
    numbering = screen.numbering
    numbering.start_series.setFocus()
    numbering.start_series.setCurrentIndex(numbering.start_series.findData("receipt"))
    numbering.start_first.setFocus()
    numbering.start_first.selectAll()
    qtbot.keyClicks(numbering.start_first, "5001")
    numbering.start_button.setFocus()
    qtbot.keyClick(numbering.start_button, Qt.Key.Key_Space)

    error = numbering.rows["series_start"].error
    qtbot.waitUntil(lambda: error.isVisible())
    assert "not registered with a server" in error.text()
    assert numbering.start_result.text() == ""
