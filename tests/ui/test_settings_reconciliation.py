"""Settings > Payments: bank reconciliation's date window and payment-alert hours, edited from
the keyboard, refused beside the field when out of range, saved and audited when right."""

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.db.database import Database
from app.db.tables import AuditEvent
from app.services.settings import current_settings
from tests.support.ui import go_to_section, main_window, open_settings, retype, sign_in
from ui.main_window import MainWindow
from ui.ops import wait_for_all


@pytest.fixture
def window(qtbot, db: Database) -> Iterator[MainWindow]:
    yield from main_window(qtbot, db, idle_lock_ms=60_000, size=(1366, 768))


def save(qtbot, widget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def test_an_out_of_range_window_is_explained_beside_it_and_nothing_is_saved(
    qtbot, window, db
) -> None:
    sign_in(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    go_to_section(qtbot, screen, "Payments")
    payments = screen.payments
    retype(qtbot, payments.reconciliation_window, "45")
    retype(qtbot, payments.payment_alert_hours, "0")

    save(qtbot, payments.payment_alert_hours)

    assert payments.rows["reconciliation_window_days"].error.text() == (
        "The reconciliation date window must be between 0 and 31 days. "
        "The payment alert threshold must be between 1 and 720 hours."
    )
    assert payments.reconciliation_window.hasFocus()  # the first problem takes the focus
    wait_for_all()
    saved = current_settings(db.unit_of_work())
    assert (saved.reconciliation_window_days, saved.payment_alert_hours) == (3, 24)


def test_the_reconciliation_settings_are_saved_and_audited(qtbot, window, db) -> None:
    sign_in(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    go_to_section(qtbot, screen, "Payments")
    payments = screen.payments
    assert payments.reconciliation_window.value() == 3
    assert payments.payment_alert_hours.value() == 24
    retype(qtbot, payments.reconciliation_window, "5")
    qtbot.keyClick(payments.reconciliation_window, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert payments.payment_alert_hours.hasFocus()
    payments.payment_alert_hours.selectAll()
    qtbot.keyClicks(payments.payment_alert_hours, "48")

    save(qtbot, payments.payment_alert_hours)
    qtbot.waitUntil(lambda: screen.state.text() == "All changes saved")

    saved = current_settings(db.unit_of_work())
    assert (saved.reconciliation_window_days, saved.payment_alert_hours) == (5, 48)
    with db.unit_of_work() as uow:
        after = uow.session.scalar(
            select(AuditEvent.after_json).where(AuditEvent.action == "settings.changed")
        )
    assert json.loads(after) == {"payment_alert_hours": 48, "reconciliation_window_days": 5}
