"""Settings > Payments and Settings > Numbering from the keyboard alone: Tab is not kept in the
payment methods table, each method's kind and the reconciliation boxes are reached in order,
and Alt+S lands in "Start a series at"."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel

from tests.ui.test_fits_1024 import styled as styled  # the client's stylesheet
from tests.ui.test_settings_screen import go_to_section, open_settings, sign_in
from tests.ui.test_settings_screen import window as window  # the fixture, re-exported


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
