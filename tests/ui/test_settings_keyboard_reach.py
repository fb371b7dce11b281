"""Settings > Payments and Settings > Numbering from the keyboard alone: Tab is not kept in the
payment methods table, each method's kind and the reconciliation boxes are reached in order,
and Alt+S lands in "Start a series at"."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel

from app.db.database import Database
from tests.support.ui import go_to_section, main_window, open_settings, sign_in
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, db: Database) -> Iterator[MainWindow]:
    yield from main_window(qtbot, db, idle_lock_ms=60_000, size=(1366, 768))


def _tab_from(qtbot, start, presses: int) -> list[str]:
    start.setFocus()
    reached = []
    for _ in range(presses):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget().objectName())
    return reached


def test_tab_leaves_the_payment_methods_table_for_the_kinds_and_the_fields_below(
    qtbot, window
) -> None:
    sign_in(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    go_to_section(qtbot, screen, "Payments")
    payments = screen.payments
    count = payments.methods.rowCount()
    assert count >= 2

    reached = _tab_from(qtbot, payments.methods, count + 6)

    assert reached[:count] == [f"methodKind{row}" for row in range(count)]
    assert reached[count : count + 6] == [
        "addMethodButton",
        "removeMethodButton",
        "overpaymentThreshold",
        "notesLimit",
        "reconciliationWindowDays",
        "paymentAlertHours",
    ]


def test_alt_s_goes_to_the_series_to_start(qtbot, window) -> None:
    sign_in(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    go_to_section(qtbot, screen, "Numbering")
    qtbot.keyClick(screen.sections, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is screen.numbering.start_series


def test_the_low_numbers_warning_stands_out_from_plain_text(qtbot, window, styled) -> None:
    sign_in(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    warning = screen.numbering.numbers_warning
    plain = QLabel("plain")
    qtbot.addWidget(plain)
    for label in (warning, plain):
        label.ensurePolished()
    text = QPalette.ColorRole.WindowText
    assert warning.palette().color(text) != plain.palette().color(text)
