"""The plan screens as a fast billing manager uses them from the keyboard: the filter turned
with the arrow keys keeps the focus, Enter lands on the schedule, Tab leaves the tables, the
form says what to type before there is a schedule, amounts line up on the right, and a plan
waiting for the server is news, not an error."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from app.db.database import Database
from tests.support.ui import SCREEN_HEIGHT, SCREEN_WIDTH, main_window, open_plans, sign_in
from tests.support.ui_fixtures import QT_CLEANUP
from ui.dialogs.plan_form import NO_PREVIEW, PlanFormDialog
from ui.main_window import MainWindow
from ui.ops import wait_for_all
from ui.screens.plans_models import InstallmentColumn, PlanColumn, ScheduleColumn


@pytest.fixture
def window(qtbot, db: Database, styled) -> Iterator[MainWindow]:
    yield from main_window(qtbot, db, idle_lock_ms=600_000, size=(SCREEN_WIDTH, SCREEN_HEIGHT))


pytestmark = QT_CLEANUP  # the screens' Qt clean-up

RIGHT = Qt.AlignmentFlag.AlignRight


def _settle() -> None:
    for _ in range(3):
        wait_for_all()
        QApplication.processEvents()


def test_the_filter_turned_with_the_arrow_keys_keeps_the_focus(qtbot, window) -> None:
    sign_in(qtbot, window, "mbrown", "2345")
    screen = open_plans(qtbot, window)
    assert screen.table.hasFocus()  # opened: the list has it
    qtbot.keyClick(screen.table, Qt.Key.Key_Tab)
    assert not screen.table.hasFocus()  # Tab leaves the list
    screen.filter.setFocus()
    qtbot.keyClick(screen.filter, Qt.Key.Key_Down)  # Disconnection reviews (broken)
    qtbot.waitUntil(lambda: screen.count.text() != "")
    _settle()
    assert screen.filter.currentText() == "Disconnection reviews (broken)"
    assert screen.filter.hasFocus()
    qtbot.keyClick(screen.filter, Qt.Key.Key_Down)  # and once more: still there
    _settle()
    assert screen.filter.currentText() == "On track"
    assert screen.filter.hasFocus()


def test_enter_lands_on_the_schedule_and_its_amounts_line_up(qtbot, window) -> None:
    sign_in(qtbot, window, "mbrown", "2345")
    screen = open_plans(qtbot, window)
    paid = screen.model.index(0, PlanColumn.PAID).data(Qt.ItemDataRole.TextAlignmentRole)
    assert paid & RIGHT
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.detail.model.rowCount() == 3)
    assert screen.detail.table.hasFocus()  # not the Back button: Enter would leave
    model = screen.detail.model
    for column in (InstallmentColumn.AMOUNT, InstallmentColumn.PAID, InstallmentColumn.OWED):
        assert model.index(0, column).data(Qt.ItemDataRole.TextAlignmentRole) & RIGHT
    assert not model.index(0, InstallmentColumn.DUE).data(Qt.ItemDataRole.TextAlignmentRole)
    qtbot.keyClick(screen.detail.table, Qt.Key.Key_Escape)
    assert screen.pages.currentIndex() == 0
    assert screen.table.hasFocus()


def test_the_form_says_what_to_type_and_counts_the_installments_typed(qtbot, window) -> None:
    sign_in(qtbot, window, "mbrown", "2345")
    screen = open_plans(qtbot, window)
    qtbot.keyClick(screen.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(getattr(screen, "form", None), PlanFormDialog))
    form: PlanFormDialog = screen.form
    assert form.summary.text() == NO_PREVIEW  # the empty schedule is explained
    form.first_due.setDate(QDate(2025, 5, 15))
    qtbot.keyClicks(form.total, "202.50")
    qtbot.keyClick(form.total, Qt.Key.Key_Tab)
    qtbot.keyClicks(form.down_payment, "2.50")
    qtbot.waitUntil(lambda: form.schedule.rowCount() == 4, timeout=3000)
    first_line = form.summary.text().splitlines()[0]
    assert first_line == "John Doe: $2.50 down, then 3 monthly installments; $202.50 in all."
    assert (
        form.schedule.index(0, ScheduleColumn.AMOUNT).data(Qt.ItemDataRole.TextAlignmentRole)
        & RIGHT
    )
    form.total.clear()  # the total erased: the old schedule goes, the hint comes back
    qtbot.waitUntil(lambda: form.schedule.rowCount() == 0, timeout=3000)
    assert form.summary.text() == NO_PREVIEW
    form.reject()


def test_a_plan_waiting_for_the_server_is_a_notice_not_an_error(qtbot, window) -> None:
    sign_in(qtbot, window, "mbrown", "2345")
    screen = open_plans(qtbot, window)
    qtbot.keyClick(screen.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(getattr(screen, "form", None), PlanFormDialog))
    form: PlanFormDialog = screen.form
    form.account.setText("WU-10001")
    form.first_due.setDate(QDate(2025, 5, 15))
    qtbot.keyClicks(form.total, "90")
    qtbot.waitUntil(lambda: form.schedule.rowCount() == 3, timeout=3000)
    qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.detail, timeout=3000)
    qtbot.waitUntil(lambda: "waiting for the server" in screen.detail.notice.text())
    assert screen.detail.notice.property("role") == "notice"
    # Back in the window, the keys work on the new plan's schedule (not on nothing).
    assert window.focusWidget() is screen.detail.table
