"""Sign-in, the landing page and the idle lock, driven as a cashier would."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.db.database import Database
from app.services.record_payment import PaymentRequest, record_payment
from app.services.runtime import counter_for
from app.services.settings import current_settings
from tests.support.ui import on
from tests.support.ui import type_credentials as sign_in
from ui.context import ClientContext
from ui.main_window import MainWindow
from ui.ops import wait_for_all


@pytest.fixture
def window(qtbot, db: Database) -> MainWindow:
    counter = counter_for(db)
    context = ClientContext(
        counter=counter, settings=current_settings(counter.read()), terminal_code="T01"
    )
    main = MainWindow(context, idle_lock_ms=60_000)
    qtbot.addWidget(main)
    main.show()
    yield main
    wait_for_all()


def pay(db: Database, item: str, amount: str, method: str = "Cash") -> str:
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type="bill",
        items=(item,),
        method=method,
        amount=amount,
        username="jsmith",
    )
    return record_payment(db.unit_of_work(), request).receipt_number


def test_a_wrong_pin_is_refused_and_the_right_one_opens_the_dashboard(qtbot, window) -> None:
    assert window.stack.currentWidget() is window.sign_in
    assert not window.nav.isVisible()
    sign_in(qtbot, window, "jsmith", "9999")
    qtbot.waitUntil(lambda: window.sign_in.error.text() != "")
    assert window.sign_in.error.text() == "Wrong user name or PIN."
    window.sign_in.secret.clear()
    qtbot.keyClicks(window.sign_in.secret, "1234")
    qtbot.keyClick(window.sign_in.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: on(window, "landing"))
    assert window.status_user.text() == "Jane Smith · Cashier"
    assert window.nav.isVisible()


def test_the_dashboard_shows_kpis_and_the_payments_table(qtbot, window, db) -> None:
    pay(db, "INV-2025-001234", "145.50")
    pay(db, "INV-2025-001567", "100.00", method="Credit Card")
    sign_in(qtbot, window, "jsmith", "1234")
    qtbot.waitUntil(lambda: on(window, "landing") and window.landing.payments.rowCount() == 2)
    landing = window.landing
    month = landing.month.findData("2025-04")
    landing.month.setCurrentIndex(month)
    qtbot.waitUntil(lambda: landing.tile_collected.value.text() == "$245.50")
    assert landing.tile_today.value.text() == "$245.50  ·  2 payments"
    model = landing.payments
    assert [model.data(model.index(r, 0)) for r in range(2)] == ["R-T01-0002", "R-T01-0001"]
    assert model.data(model.index(0, 1)) == "John Doe (WU-10001)"
    assert model.data(model.index(0, 2)) == "$100.00"
    assert model.data(model.index(0, 4)) == "Apr 20, 2025"
    qtbot.waitUntil(lambda: "waiting to send" in window.status_pending.text())
    assert window.status_pending.text().startswith("2 waiting to send")


def test_search_and_method_filter_narrow_the_table(qtbot, window, db) -> None:
    pay(db, "INV-2025-001234", "145.50")
    pay(db, "INV-2025-001567", "100.00", method="Credit Card")
    sign_in(qtbot, window, "jsmith", "1234")
    qtbot.waitUntil(lambda: on(window, "landing") and window.landing.payments.rowCount() == 2)
    landing = window.landing
    qtbot.keyClick(landing, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert landing.search.hasFocus()
    qtbot.keyClicks(landing.search, "t01-0001")
    qtbot.waitUntil(lambda: landing.payments.rowCount() == 1)
    assert landing.payments.row_at(0).receipt_number == "R-T01-0001"
    landing.search.clear()
    landing.method.setCurrentIndex(landing.method.findData("Credit Card"))
    qtbot.waitUntil(
        lambda: (
            landing.payments.rowCount() == 1 and landing.payments.row_at(0).method == "Credit Card"
        )
    )


def test_a_from_date_after_the_to_date_is_explained(qtbot, window) -> None:
    sign_in(qtbot, window, "jsmith", "1234")
    qtbot.waitUntil(lambda: on(window, "landing"))
    landing = window.landing
    from PySide6.QtCore import QDate

    landing.date_from.setDate(QDate(2025, 5, 1))
    landing.date_to.setDate(QDate(2025, 4, 1))
    qtbot.waitUntil(lambda: landing.filter_error.text() != "")
    assert "'from' date must be on or before" in landing.filter_error.text()


def test_ctrl_l_locks_and_only_the_pin_unlocks(qtbot, window) -> None:
    sign_in(qtbot, window, "jsmith", "1234")
    qtbot.waitUntil(lambda: on(window, "landing"))
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.sign_in
    assert window.sign_in.heading.text() == "Screen locked"
    assert window.sign_in.username.text() == "jsmith"
    assert window.sign_in.secret.hasFocus()
    qtbot.keyClicks(window.sign_in.secret, "1234")
    qtbot.keyClick(window.sign_in.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: on(window, "landing"))


def test_the_window_locks_itself_when_idle(qtbot, window) -> None:
    sign_in(qtbot, window, "jsmith", "1234")
    qtbot.waitUntil(lambda: on(window, "landing"))
    window.idle.setInterval(50)
    window.idle.start()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sign_in, timeout=3000)
    assert window.sign_in.heading.text() == "Screen locked"


def test_signing_in_pops_up_no_stray_windows(qtbot, window) -> None:
    sign_in(qtbot, window, "mbrown", "2345")
    qtbot.waitUntil(lambda: on(window, "landing"))
    stray = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window]
    assert stray == []
    assert QApplication.activeWindow() is window
    assert window.nav_analytics.isVisible() and window.nav_approvals.isVisible()


def test_a_cashier_has_no_supervisor_screens(qtbot, window) -> None:
    sign_in(qtbot, window, "jsmith", "1234")
    qtbot.waitUntil(lambda: on(window, "landing"))
    assert not window.nav_analytics.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert on(window, "landing")


def test_the_bars_buttons_open_their_screens_when_clicked(qtbot, window) -> None:
    sign_in(qtbot, window, "mbrown", "2345")
    qtbot.waitUntil(lambda: on(window, "landing"))
    for button, screen in (
        (window.nav_analytics, "dashboard"),
        (window.nav_approvals, "approvals"),
        (window.nav_dashboard, "landing"),
    ):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda screen=screen: on(window, screen))
    qtbot.mouseClick(window.nav_lock, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.sign_in
