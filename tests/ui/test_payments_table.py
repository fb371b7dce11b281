"""The payments and credit-notes tables as a counter uses them at 1024x768: columns sized to
what they hold, names elided in the middle, an empty result that says so, the total beside
what is shown, Escape back to the dashboard after a drill-down, and the ⋮ More actions
button with its keyboard keys."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QMenu
from sqlalchemy import text

from app.db.database import Database
from app.services.record_payment import PaymentRequest, record_payment
from tests.support.ui import main_window, shot, sign_in
from ui.main_window import MainWindow
from ui.models.payments_model import CONSUMER, MORE
from ui.ops import wait_for_all


@pytest.fixture
def window(qtbot, db: Database) -> Iterator[MainWindow]:
    yield from main_window(qtbot, db, idle_lock_ms=600_000, size=(1024, 768))


Key = Qt.Key
LONG_NAME = "Johnathan Bartholomew Alexander Montgomery-Smythe Doe"


def pay(db: Database, amount: str, item: str = "INV-2025-001567") -> str:
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type="Bill",
        items=(item,),
        method="Cash",
        amount=amount,
        username="jsmith",
    )
    return record_payment(db.unit_of_work(), request).receipt_number


def rename_john(db: Database, name: str) -> None:
    with db.unit_of_work() as uow:
        uow.session.execute(
            text("UPDATE consumers SET name = :name WHERE account_number = 'WU-10001'"),
            {"name": name},
        )
        uow.commit()


def landing_with_rows(qtbot, window: MainWindow, rows: int):
    landing = window.landing
    qtbot.waitUntil(lambda: landing.payments.rowCount() == rows)
    wait_for_all()
    QApplication.processEvents()
    return landing


def open_menu() -> QMenu:
    menus = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()]
    assert len(menus) == 1, menus
    return menus[0]


def test_the_consumer_column_gets_the_room_and_elides_in_the_middle(qtbot, window, db):
    rename_john(db, LONG_NAME)
    pay(db, "145.50", "INV-2025-001234")
    sign_in(qtbot, window, "jsmith", "1234")
    landing = landing_with_rows(qtbot, window, 1)
    table, model = landing.table, landing.payments
    widths = [table.columnWidth(c) for c in range(model.columnCount())]
    others = [w for c, w in enumerate(widths) if c not in (CONSUMER, MORE)]
    assert widths[CONSUMER] > max(others)  # the rest are as wide as what they hold
    for column in range(model.columnCount()):
        if column not in (CONSUMER, MORE):
            assert widths[column] <= table.sizeHintForColumn(column) + 30, column
    assert table.textElideMode() == Qt.TextElideMode.ElideMiddle
    full = f"{LONG_NAME} (WU-10001)"
    assert model.index(0, CONSUMER).data(Qt.ItemDataRole.ToolTipRole).startswith(full)
    shot(window, "payments_long_name")


def test_an_empty_result_says_so_and_the_count_gives_the_total(qtbot, window, db):
    for _ in range(105):
        pay(db, "1.00")
    sign_in(qtbot, window, "jsmith", "1234")
    landing = landing_with_rows(qtbot, window, 100)  # the first page
    qtbot.waitUntil(lambda: landing.count.text() == "100 shown of 105")
    landing.table.scrollToBottom()  # the next page
    qtbot.waitUntil(lambda: landing.payments.rowCount() == 105)
    qtbot.waitUntil(lambda: landing.count.text() == "105 shown")
    qtbot.keyClicks(landing.search, "nobody by this name")
    qtbot.waitUntil(lambda: landing.payments.rowCount() == 0)
    qtbot.waitUntil(lambda: landing.count.text() == "No payments match the search and filters.")
    shot(window, "payments_empty")


def test_escape_on_a_drilled_down_list_goes_back_to_the_dashboard(qtbot, window, db):
    pay(db, "145.50", "INV-2025-001234")
    sign_in(qtbot, window, "mbrown", "2345")
    qtbot.keyClick(window, Key.Key_F3)
    board = window.screens["dashboard"]
    qtbot.waitUntil(lambda: board.board is not None)
    board.on_daily_chart_bar_clicked(19)  # 20 April's bar
    landing = window.landing
    assert window.stack.currentWidget() is landing and landing.drilled_down
    assert landing.date_from.date() == QDate(2025, 4, 20)
    landing.table.setFocus()
    qtbot.keyClick(landing.table, Key.Key_Escape)
    assert window.stack.currentWidget() is board
    assert landing.query().date_from is None  # the list is no longer narrowed
    qtbot.keyClick(window, Key.Key_F1)
    qtbot.keyClick(landing.table, Key.Key_Escape)  # not drilled: Escape stays here
    assert window.stack.currentWidget() is landing


@pytest.mark.parametrize(
    "keys",
    [
        (Key.Key_Menu, Qt.KeyboardModifier.NoModifier),
        (Key.Key_F10, Qt.KeyboardModifier.ShiftModifier),
    ],
)
def test_each_payment_row_has_a_more_actions_button_the_keyboard_opens(qtbot, window, db, keys):
    first, second = pay(db, "100.00"), pay(db, "20.00")
    sign_in(qtbot, window, "jsmith", "1234")
    landing = landing_with_rows(qtbot, window, 2)
    table, model = landing.table, landing.payments
    assert model.index(0, MORE).data() == "⋮"
    assert model.index(0, MORE).data(Qt.ItemDataRole.AccessibleTextRole) == "More actions"
    assert table.columnWidth(MORE) <= 48
    # The ⋮ button, clicked: the row's menu.
    table.row_actions.on_table_clicked(model.index(1, MORE))
    menu = open_menu()
    assert [a.text() for a in menu.actions()] == [
        "View details",
        "Consumer profile",
        "View receipt",
        "Create credit note",
    ]
    shot(window, "payments_more_menu")
    menu.close()
    # The keyboard: the current row's menu.
    table.setFocus()
    table.setCurrentIndex(model.index(0, 0))
    qtbot.keyClick(table, keys[0], keys[1])
    menu = open_menu()
    with qtbot.waitSignal(landing.payment_opened) as opened:
        menu.actions()[0].trigger()
    assert opened.args == [second]  # newest first
    assert first != second


def test_each_credit_note_row_has_a_more_actions_button(qtbot, tab):
    model, table = tab.model, tab.table
    more = model.columnCount() - 1
    assert model.index(0, more).data() == "⋮"
    table.setFocus()
    table.setCurrentIndex(model.index(1, 0))
    qtbot.keyClick(table, Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = open_menu()
    assert next(a.text() for a in menu.actions() if a.text()) == "View Details"
    menu.close()
    shot(tab, "credit_notes_more")


def test_the_credit_notes_status_filter_offers_cancelled(tab):
    status = tab.filters.status
    assert status.findText("Cancelled") > 0
    assert [status.itemText(i) for i in range(status.count())][-1] == "Cancelled"
