"""The landing page and the supervisor dashboard show one Collection Rate for one month,
compared like for like, and say why when it is above 100 %."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt

from app.db.database import Database
from app.services.record_payment import PaymentRequest, record_payment
from app.services.runtime import counter_for
from app.services.settings import current_settings
from tests.support.ui import shot, sign_in
from ui.context import ClientContext
from ui.main_window import MainWindow
from ui.ops import wait_for_all


@pytest.fixture
def window(qtbot, db: Database) -> MainWindow:
    counter = counter_for(db)
    context = ClientContext(
        counter=counter, settings=current_settings(counter.read()), terminal_code="T01"
    )
    main = MainWindow(context, idle_lock_ms=600_000)
    qtbot.addWidget(main)
    main.resize(1024, 768)
    main.show()
    yield main
    wait_for_all()


def pay_today(db: Database, kind: str, item: str, amount: str) -> None:
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type=kind,
        items=(item,),
        method="Cash",
        amount=amount,
        username="jsmith",
    )
    record_payment(db.unit_of_work(), request)


def rate_tiles(qtbot, window: MainWindow):
    landing = window.landing
    qtbot.waitUntil(lambda: landing.tile_rate.value.text() not in ("…", ""))
    qtbot.waitUntil(lambda: landing.month.currentData() == "2025-04")  # the counter's month
    wait_for_all()
    qtbot.keyClick(window, Qt.Key.Key_F3)
    board = window.screens["dashboard"]
    qtbot.waitUntil(lambda: board.board is not None and board.tile_rate.value.text() != "…")
    return landing.tile_rate, board.tile_rate


def test_both_pages_show_the_same_rate_and_change_for_this_month(qtbot, window, db):
    """1-20 Apr: $145.50 + $25.00 + $67.50 = $238.00 paid, $313.00 fell due: 76.0 %."""
    pay_today(db, "bill", "INV-2025-001234", "145.50")
    pay_today(db, "service", "Late Fee", "25.00")
    pay_today(db, "installment", "PP-2025-0034/1", "67.50")
    sign_in(qtbot, window, "mbrown", "2345")
    landing_tile, board_tile = rate_tiles(qtbot, window)
    assert landing_tile.value.text() == board_tile.value.text() == "76.0%"
    assert landing_tile.change.text() == board_tile.change.text()
    assert landing_tile.change.text() == "no comparison with same days last month"
    assert not landing_tile.note.isVisible() and not board_tile.note.isVisible()
    shot(window, "dashboard_1024")


def test_a_rate_above_100_percent_says_it_includes_arrears(qtbot, window, db):
    """$372.75 paid against $313.00 falling due: the May bill was paid ahead."""
    pay_today(db, "bill", "INV-2025-001234", "145.50")
    pay_today(db, "bill", "INV-2025-001567", "152.25")
    pay_today(db, "service", "Reconnection Fee", "75.00")
    sign_in(qtbot, window, "mbrown", "2345")
    shot(window, "landing_arrears_1024")
    landing_tile, board_tile = rate_tiles(qtbot, window)
    assert landing_tile.value.text() == board_tile.value.text() == "119.1%"
    for tile in (landing_tile, board_tile):
        assert tile.note.text() == "incl. arrears of earlier periods"
        assert tile.note.isVisibleTo(tile)
        assert "include arrears of earlier periods" in tile.toolTip()
    shot(window, "dashboard_arrears_1024")
