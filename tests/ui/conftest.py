"""Screens under test: offscreen Qt with the shared clean-up, the consumer profile and payment
details screens, and the credit notes tab over five sample notes (`context`, `styled` and the
clean-up itself come from tests/support/ui_fixtures.py)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from app.db.database import Database
from app.services.actors import authenticate
from app.services.credit_notes import apply_credit_note
from app.services.runtime import counter_for
from app.services.settings import current_settings
from tests.support.credit_notes import Signed, add_jane_roe, credit, pay
from tests.support.ui import settle_once
from ui.context import ClientContext
from ui.ops import wait_for_all
from ui.screens.consumer_profile import ConsumerProfileScreen
from ui.screens.credit_notes_tab import CreditNotesTab
from ui.screens.payment_details import PaymentDetailsScreen


@pytest.fixture(autouse=True)
def _qt_cleanup(_nothing_outlives_its_test, _pools_gone_before_exit) -> None:
    """Every screen test here gets the shared Qt clean-up."""


@pytest.fixture
def profile(qtbot, context: ClientContext):
    screen = ConsumerProfileScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1366, 720)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activateWindow()
    screen.show_consumer("WU-10001")
    qtbot.waitUntil(lambda: screen.account is not None)
    yield screen
    settle_once()


@pytest.fixture
def keep(qtbot):
    """Holds screens until the test's service calls are over and their answers landed.

    A test's screen has no parent, so Python frees it; freeing it while answers are still
    queued for its ops crashes PySide 6.11 (in the app every screen has a parent).
    """
    kept: list[QWidget] = []

    def add(widget: QWidget) -> QWidget:
        qtbot.addWidget(widget)
        kept.append(widget)
        return widget

    yield add
    wait_for_all()
    QApplication.processEvents()


@pytest.fixture
def open_screen(qtbot, keep):
    def open_(context: ClientContext, receipt: str) -> PaymentDetailsScreen:
        screen = keep(PaymentDetailsScreen(context))
        screen.resize(1366, 720)
        screen.show()
        qtbot.waitExposed(screen)
        screen.activateWindow()
        screen.show_payment(receipt)
        qtbot.waitUntil(lambda: screen.details is not None)
        return screen

    return open_


@pytest.fixture
def sign_in_as(db: Database) -> Iterator[Signed]:
    """A client context for any of the sample staff (jsmith cashier, mbrown billing manager)."""
    counter = counter_for(db)
    pins = {"jsmith": "1234", "mbrown": "2345"}

    def signed(username: str) -> ClientContext:
        with counter.read() as uow:
            actor = authenticate(uow, username, pins[username])
        return ClientContext(
            counter=counter,
            settings=current_settings(counter.read()),
            actor=actor,
            terminal_code="T01",
        )

    yield signed
    wait_for_all()  # no service call may outlive the database it runs on


@pytest.fixture
def cashier(sign_in_as: Signed) -> ClientContext:
    return sign_in_as("jsmith")


@pytest.fixture
def notes(db: Database, clock) -> Database:
    """CN1 Mar 28 $45.50 fully used; CN2 Apr 2 $75 partly used; CN3 Apr 15 $20; CN4 today
    $10 for Jane Roe; CN5 today $120 waiting for approval (R-T01-0003, like CN3)."""
    add_jane_roe(db)
    for day, item, amount, share, reason in (
        (date(2025, 3, 28), "INV-2025-001234", "145.50", "45.50", "Billing Error"),
        (date(2025, 4, 2), "SC-2025-000101", "75.00", "75.00", "Duplicate Payment"),
        (date(2025, 4, 15), "INV-2025-001567", "152.25", "20.00", "Overpayment"),
    ):
        clock.now = datetime(day.year, day.month, day.day, 14, 0, tzinfo=UTC)
        credit(db, pay(db, item, amount), share, reason)
    clock.now = datetime(2025, 4, 20, 14, 0, tzinfo=UTC)
    credit(db, pay(db, "INV-2025-002001", "50.00", "WU-10002"), "10.00", "Customer Request")
    credit(db, "R-T01-0003", "120.00", "Billing Error")
    apply_credit_note(db.unit_of_work(), number="CN-T01-00001", to="PP-2025-0034/1", amount="45.5")
    apply_credit_note(db.unit_of_work(), number="CN-T01-00002", to="SC-2025-000087", amount="10")
    return db


@pytest.fixture
def tab(qtbot, notes, cashier) -> CreditNotesTab:
    widget = CreditNotesTab(cashier)
    qtbot.addWidget(widget)
    widget.resize(1280, 600)
    widget.show()
    qtbot.waitExposed(widget)
    with qtbot.waitSignal(widget.model.modelReset):
        widget.refresh()
    return widget
