"""The Templates screen (pytest-qt, offscreen) against a real recovery SQLite file."""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from app.services.recovery_database import shared_recovery_database
from app.services.recovery_intake import demo_failures, intake, save_consumers
from app.services.runtime import counter_for
from app.services.settings import current_settings
from tests.support.ui_fixtures import QT_CLEANUP
from ui.app import apply_style
from ui.context import ClientContext
from ui.recovery.area_messaging import entries
from ui.recovery.templates_screen import TemplatesScreen

pytestmark = QT_CLEANUP  # the screens' Qt clean-up

SHOTS = os.environ.get("TILLDESK_SHOTS")  # a folder to keep the screenshots in; else tmp_path


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where this test's screenshots go: never outside its tmp_path unless asked to."""
    return Path(SHOTS) if SHOTS else tmp_path


@pytest.fixture
def screen(qtbot, context: ClientContext) -> TemplatesScreen:
    """The screen over the demo portfolio in recovery.db beside the counter's file."""
    engine = shared_recovery_database(context.counter.recovery_db_url())
    consumers, failures = demo_failures(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    save_consumers(engine, consumers)
    intake(engine, "demo", failures)
    widget = TemplatesScreen(context)
    qtbot.addWidget(widget)
    widget.resize(1000, 640)
    widget.show()
    widget.refresh()
    qtbot.waitUntil(lambda: widget.preview is not None, timeout=10_000)
    return widget


def test_shows_the_first_open_case_as_an_email_with_its_html(
    qapp, screen: TemplatesScreen, shots: Path
) -> None:
    assert screen.template.currentText() == "reminder"
    assert screen.channel.currentText() == "email"
    # DEMO-008 failed first: $2,500.00 for an installment, insufficient funds.
    assert "Case DEMO-008" in screen.facts.text()
    assert screen.subject.text() == "Your installment payment of $2,500.00 was not completed"
    html_text = screen.html.toPlainText()
    assert "choose a date that suits you better" in html_text
    assert "Choose how to pay" in html_text  # the button of the HTML part
    apply_style(qapp)  # the client's own style, for the screenshot and the size check
    try:
        hint = screen.minimumSizeHint()
        assert hint.width() <= 1000 and hint.height() <= 640  # room for the nav at 1024x768
        assert screen.grab().save(str(shots / "tilldesk-templates-screen.png"))
    finally:
        qapp.setStyleSheet("")


def test_a_hindi_speaker_sees_the_hindi_sms(qtbot, screen: TemplatesScreen, shots: Path) -> None:
    screen.case.setText("DEMO-005")
    screen.channel.setCurrentText("sms")
    screen.language.setCurrentIndex(screen.language.findData("hi"))
    screen.show_preview()
    qtbot.waitUntil(lambda: "in hi" in screen.facts.text(), timeout=10_000)
    assert "(बिल) का भुगतान नहीं हुआ" in screen.text.toPlainText()
    assert "SMS: 3 segments, UCS-2" in screen.facts.text()
    assert screen.grab().save(str(shots / "tilldesk-templates-screen-sms-hi.png"))


def test_an_sms_preview_counts_its_segments(qtbot, screen: TemplatesScreen) -> None:
    screen.case.setText("DEMO-005")
    screen.channel.setCurrentText("sms")
    screen.show_preview()
    qtbot.waitUntil(lambda: "SMS:" in screen.facts.text(), timeout=10_000)
    assert "Your card expired; add a new one:" in screen.text.toPlainText()
    assert "SMS: 2 segments, GSM-7" in screen.facts.text()
    assert not screen.tabs.isTabEnabled(0)  # no HTML part for an SMS


def test_a_whatsapp_reminder_without_a_name_is_refused_with_the_reason(
    qtbot, screen: TemplatesScreen
) -> None:
    screen.channel.setCurrentText("whatsapp")
    screen.show_preview()
    qtbot.waitUntil(lambda: screen.status.text() != "", timeout=10_000)
    assert "first_name would be empty" in screen.status.text()
    assert screen.text.toPlainText() == ""


def test_an_unknown_case_is_named_in_the_refusal(qtbot, screen: TemplatesScreen) -> None:
    screen.case.setText("NOPE-1")
    screen.show_preview()
    qtbot.waitUntil(lambda: screen.status.text() != "", timeout=10_000)
    assert screen.status.text() == "There is no recovery case NOPE-1."


def test_the_recovery_menu_offers_it_to_recovery_staff_not_cashiers(
    context: ClientContext,
) -> None:
    (entry,) = entries()
    assert entry.text == "Reminder templates"
    assert context.actor is not None and context.actor.role not in entry.roles
    assert isinstance(entry.build(context), QWidget)


def test_recovery_staff_open_it_from_the_recovery_menu_in_a_1024_window(
    qtbot, db, qapp, shots: Path
) -> None:
    from tests.support.ui import sign_in
    from ui.main_window import MainWindow

    counter = counter_for(db)
    engine = shared_recovery_database(counter.recovery_db_url())
    consumers, failures = demo_failures(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    save_consumers(engine, consumers)
    intake(engine, "demo", failures)
    apply_style(qapp)
    try:
        window = MainWindow(
            ClientContext(counter=counter, settings=current_settings(counter.read()),
                          terminal_code="T01"),
            idle_lock_ms=600_000,
        )  # fmt: skip
        qtbot.addWidget(window)
        window.resize(1024, 768)
        window.show()
        sign_in(qtbot, window, "rpatel", "3456")  # the recovery executive
        (entry,) = [e for e in window.recovery_entries if e.name == "recoveryTemplates"]
        window.show_recovery_entry(entry)
        shown = window.stack.currentWidget()
        assert isinstance(shown, TemplatesScreen)
        qtbot.waitUntil(lambda: shown.preview is not None, timeout=10_000)
        hint = window.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 768
        assert window.grab().save(str(shots / "tilldesk-templates-window.png"))
    finally:
        qapp.setStyleSheet("")
