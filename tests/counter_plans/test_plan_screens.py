"""The plan screens at 1024x768, driven from the keyboard: a billing manager opens Payment plans
from the Recovery menu, makes a plan with its schedule previewed, and sees it; a cashier has no
such entry and reads the plans on the consumer's profile."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate, Qt

from app.db.database import Database
from app.services.runtime import counter_for
from app.services.settings import current_settings
from tests.support.ui import SCREEN_HEIGHT, SCREEN_WIDTH, fits, open_plans, shot, sign_in
from tests.support.ui_fixtures import QT_CLEANUP
from tests.sync_client.support import pay
from ui.context import ClientContext
from ui.dialogs.plan_form import PlanFormDialog
from ui.main_window import MainWindow
from ui.ops import wait_for_all

pytestmark = QT_CLEANUP  # the screens' Qt clean-up


@pytest.fixture
def window(qtbot, db: Database, styled) -> Iterator[MainWindow]:
    counter = counter_for(db)
    context = ClientContext(
        counter=counter, settings=current_settings(counter.read()), terminal_code="T01"
    )
    main = MainWindow(context, idle_lock_ms=600_000)
    qtbot.addWidget(main)
    main.resize(SCREEN_WIDTH, SCREEN_HEIGHT)
    main.show()
    yield main
    wait_for_all()


def test_a_billing_manager_sees_the_plans_and_their_schedules_at_1024_by_768(qtbot, window):
    sign_in(qtbot, window, "mbrown", "2345")
    screen = open_plans(qtbot, window)
    width, height, *_ = fits(window)
    assert width <= SCREEN_WIDTH and height <= SCREEN_HEIGHT
    shot(window, "plans_list")
    model = screen.model
    assert [model.index(0, c).data() for c in (0, 1, 6)] == [
        "PP-2025-0034",
        "John Doe",
        "Behind (1 missed)",
    ]

    qtbot.keyClick(screen.table, Qt.Key.Key_Return)  # the plan's schedule
    qtbot.waitUntil(lambda: screen.detail.model.rowCount() == 3)
    rows = [[screen.detail.model.index(r, c).data() for c in (0, 5, 6)] for r in range(3)]
    assert rows == [["1", "Overdue", "5 (missed)"], ["2", "Due", "—"], ["3", "Due", "—"]]
    assert screen.detail.modify_button.isVisible()
    width, height, *_ = fits(window)
    assert width <= SCREEN_WIDTH and height <= SCREEN_HEIGHT
    shot(window, "plan_detail")
    qtbot.keyClick(screen.detail.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(getattr(screen, "form", None), PlanFormDialog))
    assert screen.form.windowTitle() == "Modify plan PP-2025-0034"
    assert screen.form.account.isReadOnly()
    screen.form.reject()
    qtbot.keyClick(screen.detail.table, Qt.Key.Key_Escape)
    assert screen.pages.currentIndex() == 0


def test_a_new_plan_is_previewed_refused_in_words_then_saved(qtbot, window):
    sign_in(qtbot, window, "mbrown", "2345")
    screen = open_plans(qtbot, window)
    qtbot.keyClick(screen.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(getattr(screen, "form", None), PlanFormDialog))
    form: PlanFormDialog = screen.form
    assert form.account.text() == "WU-10001"
    form.first_due.setDate(QDate(2025, 5, 15))
    qtbot.keyClicks(form.total, "202.50")
    qtbot.waitUntil(lambda: form.schedule.rowCount() == 3, timeout=3000)
    amounts = [form.schedule.index(r, 2).data() for r in range(3)]
    assert amounts == ["$67.50", "$67.50", "$67.50"]
    assert "already has plan PP-2025-0034 open" in form.summary.text()

    qtbot.keyClicks(form.down_payment, "300")
    qtbot.waitUntil(lambda: form.error.isVisible(), timeout=3000)
    assert "Nothing is left to spread" in form.error.text()
    assert form.schedule.rowCount() == 0
    form.down_payment.clear()
    qtbot.keyClicks(form.down_payment, "2.50")
    qtbot.waitUntil(lambda: form.schedule.rowCount() == 4, timeout=3000)
    shot(form, "plan_form")
    qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.detail, timeout=3000)
    qtbot.waitUntil(lambda: screen.detail.model.rowCount() == 4)
    assert screen.detail.state.text() == "Awaiting server"
    assert "waiting for the server" in screen.detail.notice.text()


def test_a_cashier_has_no_plans_entry_and_reads_the_plan_standing_on_the_profile(qtbot, window, db):
    pay(db, "PP-2025-0034/1", "67.50", kind="Installment")  # back on track
    sign_in(qtbot, window, "jsmith", "1234")
    assert "paymentPlans" not in [e.name for e in window._recovery_entries_allowed()]
    window.show_consumer("WU-10001")
    profile = window.stack.currentWidget()
    qtbot.waitUntil(lambda: profile.plan_standing.isVisible())
    assert profile.plan_standing.text() == (
        "On a compliant payment plan (PP-2025-0034): do not disconnect."
    )
    width, height, *_ = fits(window)
    assert width <= SCREEN_WIDTH and height <= SCREEN_HEIGHT


def test_escape_on_the_plans_list_goes_back_to_where_f8_was_pressed(qtbot, window):
    sign_in(qtbot, window, "mbrown", "2345")
    before = window.stack.currentWidget()
    screen = open_plans(qtbot, window)
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is before)
