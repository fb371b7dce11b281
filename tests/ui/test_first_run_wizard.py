"""The first-run wizard, driven from the keyboard: a wrong PIN is named on its page, Finish
sets the counter up, and the client then opens on it."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

from PySide6.QtCore import Qt

from app.db.database import open_database
from app.services.settings import current_settings
from cli.wiring.first_run import first_run_registrar
from tests.support.ui import replace_text, shot
from ui.counter_file import needs_first_run
from ui.first_run import FirstRunWizard

Key = Qt.Key


def test_a_new_machine_is_set_up_from_the_keyboard(qtbot, tmp_path: Path):
    path = tmp_path / "counter.sqlite"
    wizard = FirstRunWizard(path, registrar=first_run_registrar)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)

    replace_text(qtbot, wizard.code, "t02")
    replace_text(qtbot, wizard.name, "Riverside counter")
    qtbot.keyClick(wizard, Key.Key_Return)  # Next
    assert wizard.currentPage().title() == "Money and time"
    replace_text(qtbot, wizard.currency, "INR")
    replace_text(qtbot, wizard.locale, "en_IN")
    replace_text(qtbot, wizard.timezone, "Asia/Kolkata")
    qtbot.keyClick(wizard, Key.Key_Return)
    assert wizard.currentPage().title() == "The administrator's PIN"

    replace_text(qtbot, wizard.pin, "482913")
    replace_text(qtbot, wizard.pin_again, "482914")
    qtbot.keyClick(wizard, Key.Key_Return)
    page = wizard.currentPage()
    assert page.title() == "The administrator's PIN"  # refused: it stays
    assert page.error.text() == "The two PINs differ."
    shot(wizard, "first_run_pin_refused")
    replace_text(qtbot, wizard.pin_again, "482913")
    qtbot.keyClick(wizard, Key.Key_Return)
    assert wizard.currentPage().title() == "Central server (optional)"
    qtbot.keyClick(wizard, Key.Key_Return)  # no server: registered later from the command line
    assert wizard.currentPage().title() == "Ready"
    assert "Terminal T02 (Riverside counter), amounts in INR" in wizard.summary.text()
    shot(wizard, "first_run_ready")
    assert needs_first_run(path)  # nothing written before Finish

    qtbot.keyClick(wizard, Key.Key_Return)  # Finish: the set-up runs on a worker
    qtbot.waitUntil(lambda: wizard.created_terminal is not None, timeout=30_000)
    assert wizard.created_terminal == "T02"
    assert not needs_first_run(path)
    db = open_database(path)
    assert current_settings(db.read()).timezone == "Asia/Kolkata"
    db.close()
