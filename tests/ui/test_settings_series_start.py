"""Settings > Numbering's "Start a series at" row, driven from the keyboard: on a counter that
has no server the reason is shown beside the row and nothing changes (the server side, with
real PostgreSQL, is in tests/sync_client/test_series_start.py)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt

from tests.ui.test_settings_screen import go_to_section, open_settings, sign_in
from tests.ui.test_settings_screen import window as window  # the fixture, re-exported


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
