"""Settings > Messaging, driven from the keyboard: valid hours are saved in the recovery
database (where `recovery run` reads them); 25:00 is refused beside its field, nothing saved."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt

from app.db.database import Database
from app.services.messaging_settings import load_rules
from app.services.recovery_database import open_recovery_database
from app.services.runtime import counter_for
from app.services.settings import current_settings
from tests.support.ui import go_to_section, open_settings, retype, sign_in
from ui.context import ClientContext
from ui.main_window import MainWindow
from ui.ops import wait_for_all
from ui.screens.settings_messaging import MessagingSection


@pytest.fixture
def window(qtbot, db: Database, monkeypatch) -> MainWindow:
    monkeypatch.delenv("TILLDESK_RECOVERY_DB", raising=False)  # recovery.db beside the counter
    counter = counter_for(db)
    context = ClientContext(
        counter=counter, settings=current_settings(counter.read()), terminal_code="T01"
    )
    main = MainWindow(context, idle_lock_ms=60_000)
    qtbot.addWidget(main)
    main.resize(1024, 768)
    main.show()
    yield main
    wait_for_all()


def _messaging(qtbot, window: MainWindow) -> MessagingSection:
    sign_in(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    go_to_section(qtbot, screen, "Messaging")
    section = screen.messaging
    qtbot.waitUntil(lambda: section.loaded is not None)
    return section


def _saved_rules(window: MainWindow):
    engine = open_recovery_database(window.context.counter.recovery_db_url())
    try:
        return load_rules(engine)
    finally:
        engine.dispose()


def test_valid_hours_places_and_caps_are_saved_in_the_recovery_database(qtbot, window) -> None:
    section = _messaging(qtbot, window)
    assert section.hours.text() == "08:00-21:00" and section.weekend.text() == "sun"
    retype(qtbot, section.hours, "09:00-20:00")
    section.hours_by_place.setFocus()
    qtbot.keyClicks(section.hours_by_place, "US-CA 10:00-19:30")
    section.per_week.setValue(2)
    qtbot.keyClick(section.channel_boxes["whatsapp"], Qt.Key.Key_Space)  # WhatsApp off
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.loaded is not None and section.loaded.per_week == 2)
    rules = _saved_rules(window)
    assert rules.default_hours.text == "09:00-20:00"
    assert rules.hours_for("US", "CA").text == "10:00-19:30"
    assert rules.per_week == 2 and rules.channels == ("email", "sms")
    assert section.error.text() == ""


def test_hours_like_25_00_are_refused_beside_the_field_and_nothing_is_saved(qtbot, window) -> None:
    section = _messaging(qtbot, window)
    retype(qtbot, section.hours, "08:00-25:00")
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    message = section.rows["hours"].error
    assert message.isVisible() and "'25:00' is not a time of day" in message.text()
    section.hours_by_place.setFocus()
    qtbot.keyClicks(section.hours_by_place, "US-CA")
    retype(qtbot, section.hours, "08:00-21:00")
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    assert "US-CA" in section.rows["hours_by_place"].error.text()
    wait_for_all()
    assert _saved_rules(window).default_hours.text == "08:00-21:00"
