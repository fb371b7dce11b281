"""A supervisor resolves the server's overpayment flag from the Sync screen, by keyboard."""

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.db.database import Database
from app.db.tables import OutboxRecord, SyncFlag
from app.services.record_payment import PaymentRequest, record_payment
from app.services.runtime import counter_for
from app.services.settings import current_settings
from tests.support.ui import on
from tests.support.ui import sign_in_until_actor as sign_in
from ui.context import ClientContext
from ui.dialogs.resolve_flag import ResolveFlagDialog
from ui.main_window import MainWindow
from ui.ops import wait_for_all

FLAG_KEY = "0196a1b2-0000-7000-8000-00000000f1a9"


@pytest.fixture
def flagged_counter(db: Database) -> Database:
    """A payment of INV-2025-001234 here, and the server's flag: another counter paid it too."""
    paid = record_payment(
        db.unit_of_work(),
        PaymentRequest(
            account_number="WU-10001",
            payment_type="Bill",
            items=("INV-2025-001234",),
            method="Cash",
            amount="145.50",
            username="jsmith",
        ),
    )
    detail = {
        "invoice_number": "INV-2025-001234",
        "overpaid_minor": 14550,
        "payments": [{"payment_id": str(paid.payment_id), "receipt_number": paid.receipt_number}],
    }
    with db.unit_of_work() as uow:
        uow.session.add(
            SyncFlag(
                key=FLAG_KEY,
                kind="overpayment",
                entity="bill",
                entity_id="b1",
                reason="the bill was paid more than once (for example at two counters)",
                data_json=json.dumps(detail),
                flagged_at=uow.now(),
            )
        )
        uow.commit()
    return db


@pytest.fixture
def window(qtbot, flagged_counter: Database) -> MainWindow:
    counter = counter_for(flagged_counter)
    context = ClientContext(
        counter=counter, settings=current_settings(counter.read()), terminal_code="T01"
    )
    main = MainWindow(context, idle_lock_ms=60_000)
    qtbot.addWidget(main)
    main.resize(1280, 800)
    main.show()
    yield main
    wait_for_all()


def open_dialog(qtbot, window: MainWindow) -> ResolveFlagDialog:
    sign_in(qtbot, window, "mbrown", "2345")
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: on(window, "sync"))
    screen = window.screens["sync"]
    qtbot.waitUntil(lambda: screen.table.rowCount() == 1)
    assert screen.table.item(0, 0).text() == "Overpayment"
    assert not screen.resolve_button.isEnabled()  # nothing selected yet
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_Down)
    qtbot.waitUntil(screen.resolve_button.isEnabled)
    qtbot.keyClick(screen, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: screen.findChild(ResolveFlagDialog) is not None)
    dialog = screen.findChild(ResolveFlagDialog)
    qtbot.waitUntil(dialog.isVisible)
    qtbot.waitUntil(dialog.isActiveWindow)  # keys go to the dialog, not the window under it
    return dialog


def focused() -> object:
    return QApplication.focusWidget()


def test_a_refund_resolves_the_flag_and_it_leaves_the_list(qtbot, window, flagged_counter):
    dialog = open_dialog(qtbot, window)
    screen = window.screens["sync"]
    assert focused() is dialog.resolution
    assert dialog.resolution.currentText() == "Credit note"
    assert dialog.number.isVisible() and not dialog.ok_button.isEnabled()
    assert dialog.number_error.text() == "Required"

    qtbot.keyClick(dialog.resolution, Qt.Key.Key_Down)  # Refund
    assert dialog.resolution.currentText() == "Refund"
    assert not dialog.number.isVisible()
    qtbot.keyClick(dialog.resolution, Qt.Key.Key_Tab)
    assert focused() is dialog.note
    qtbot.keyClicks(dialog.note, "RF-2025-0042")
    assert dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: screen.table.rowCount() == 0 and not screen.table.isVisible())
    assert screen.notice.text().startswith("Flag resolved (Refund)")
    with flagged_counter.read() as uow:
        sent = uow.session.scalars(
            select(OutboxRecord).where(OutboxRecord.entity == "flag_resolution")
        ).one()
        assert json.loads(sent.payload_json)["note"] == "RF-2025-0042"
        assert uow.session.get(SyncFlag, FLAG_KEY).resolution == "Refund"


def test_no_action_needs_a_reason_and_a_missing_credit_note_is_said_beside_it(qtbot, window):
    dialog = open_dialog(qtbot, window)
    screen = window.screens["sync"]
    qtbot.keyClick(dialog.resolution, Qt.Key.Key_Tab)
    assert focused() is dialog.number
    qtbot.keyClicks(dialog.number, "CN-NOPE-1")
    assert dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "No credit note CN-NOPE-1" in dialog.number_error.text())
    assert dialog.isVisible() and focused() is dialog.number

    dialog.resolution.setFocus()
    qtbot.keyClick(dialog.resolution, Qt.Key.Key_End)  # No action
    assert dialog.resolution.currentText() == "No action"
    qtbot.keyClick(dialog.resolution, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.note, "dup")
    assert not dialog.ok_button.isEnabled()
    assert "at least 10 characters" in dialog.note_error.text()
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)  # refused: stays open, nothing sent
    assert dialog.isVisible()
    qtbot.keyClick(dialog.note, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert screen.table.rowCount() == 1
