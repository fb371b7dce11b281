"""Every role's window fits a 1024x768 screen, on every screen it can open, in the app's
own style: nothing forces it wider or taller than the screen."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest

from app.db.database import Database
from app.services.record_payment import PaymentRequest, record_payment
from app.services.runtime import counter_for
from app.services.settings import current_settings
from tests.support.ui import SCREEN_HEIGHT, SCREEN_WIDTH, fits, shot, sign_in
from ui.context import ClientContext
from ui.main_window import MainWindow
from ui.ops import wait_for_all

ROLES = [
    ("jsmith", "1234"),  # cashier
    ("rpatel", "3456"),  # recovery executive
    ("mbrown", "2345"),  # billing manager
    ("admin", "0000"),  # admin
]


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


@pytest.mark.parametrize(("username", "pin"), ROLES)
def test_every_screen_of_every_role_fits_1024_by_768(qtbot, window, db, username, pin):
    receipt = record_payment(
        db.unit_of_work(),
        PaymentRequest(
            account_number="WU-10001",
            payment_type="Bill",
            items=("INV-2025-001234",),
            method="Cash",
            amount="145.50",
            username="jsmith",
        ),
    ).receipt_number
    sign_in(qtbot, window, username, pin)
    openers = [
        window.show_dashboard,
        window.show_analytics,
        window.show_approvals,
        window.show_shift,
        window.show_settings,
        window.show_sync,
        lambda: window.show_consumer("WU-10001"),
        lambda: window.show_payment(receipt),
        lambda: window.show_receipt(receipt),
    ]
    for open_screen in openers:
        open_screen()
        wait_for_all()
        width, height, shown_width, shown_height = fits(window)
        name = window.stack.currentWidget().objectName()
        assert width <= SCREEN_WIDTH and height <= SCREEN_HEIGHT, (name, width, height)
        assert (shown_width, shown_height) == (SCREEN_WIDTH, SCREEN_HEIGHT), name
    window.show_dashboard()
    wait_for_all()
    shot(window, f"fit_{username}")
    assert window.nav.minimumSizeHint().width() <= SCREEN_WIDTH
    # The bar names who is signed in, whole ("Administrator" was cut to "Administr..."), and
    # the finder's hint reads whole too.
    user = window.context.actor
    assert window.nav_user.shown_text() == user.full_name
    finder = window.finder
    # The bar is dark, in the app's style (white text on it would vanish otherwise).
    assert window.grab().toImage().pixelColor(2, 2).lightness() < 100
    assert finder.fontMetrics().horizontalAdvance(finder.placeholderText()) < finder.width() - 24
