"""Settings > Numbering on a counter registered with a server: a format without {TERM} is
accepted, previews the next leased number and warns when the leased block runs low."""

import os
import uuid
from datetime import UTC, datetime

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from app.db.database import Database
from app.db.tables import NumberBlock, SyncState
from app.services.settings import current_settings
from tests.support.ui import go_to_section, main_window, open_settings, retype, sign_in
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, db: Database) -> Iterator[MainWindow]:
    yield from main_window(qtbot, db, idle_lock_ms=60_000, size=(1366, 768))


def _registered_with_a_nearly_used_block(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.session.merge(
            SyncState(id=1, server_url="https://central.example", terminal_code="T01")
        )
        uow.session.add(
            NumberBlock(
                id=uuid.uuid4(),
                series="receipt",
                period="",
                first_value=1,
                last_value=10,
                next_value=10,
                leased_at=datetime.now(UTC),
            )
        )
        uow.commit()


def test_a_registered_counter_takes_a_format_without_the_terminal(qtbot, db, window) -> None:
    _registered_with_a_nearly_used_block(db)
    sign_in(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    go_to_section(qtbot, screen, "Numbering")
    numbering = screen.numbering
    qtbot.waitUntil(lambda: numbering.registered)
    receipt, preview = numbering.formats["receipt"], numbering.previews["receipt"]

    retype(qtbot, receipt, "R-{SEQ}")
    error = numbering.rows["number_formats.receipt"].error
    qtbot.waitUntil(lambda: preview.text() == "Next: R-10")
    assert not error.isVisible()
    qtbot.keyClick(receipt, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.state.text() == "All changes saved")
    assert current_settings(db.read()).number_formats["receipt"] == "R-{SEQ}"
    qtbot.waitUntil(lambda: numbering.numbers_warning.isVisible())
    assert numbering.numbers_warning.text() == (
        "Numbers running low: 1 receipt number left. Sync with the server to get more."
    )
