"""The sync entry in the status bar and the supervisors' Sync screen, driven by keyboard."""

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.db.database import Database
from app.db.tables import OutboxRecord, SyncFlag, SyncState
from app.db.tables.sync_state import SyncQuarantine
from app.services.record_payment import PaymentRequest, record_payment
from app.services.runtime import counter_for
from app.services.settings import current_settings
from app.services.sync_status import sync_status
from tests.support.ui import on
from tests.support.ui import sign_in_until_actor as sign_in
from ui.context import ClientContext
from ui.main_window import MainWindow
from ui.ops import wait_for_all
from ui.screens.sync import empty_text


@pytest.fixture
def synced_counter(db: Database, clock) -> Database:
    """Registered, last synced 10 minutes ago; one payment waiting, one record parked by the
    server, and the server's flag for a bill paid twice."""
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
    with db.unit_of_work() as uow:
        now = uow.now()
        uow.session.add(
            SyncState(
                id=1,
                server_url="https://sync.example",
                terminal_code="T01",
                epoch="e1",
                cursor=40,
                failures=0,
                last_sync_at=now - timedelta(minutes=10),
                clock_skew_seconds=2.0,
            )
        )
        uow.enqueue("credit_note", uow.terminal().id, {"number": "CN-T01-00009"})
        uow.session.flush()
        parked = uow.session.scalars(select(OutboxRecord).order_by(OutboxRecord.seq.desc())).first()
        parked.state, parked.reason = "parked", "unknown consumer 0190-abc"
        uow.session.add(
            SyncFlag(
                key="f1",
                kind="overpayment",
                entity="bill",
                entity_id="b1",
                reason="the bill was paid more than once (for example at two counters)",
                data_json=json.dumps({"invoice_number": "INV-2025-001234"}),
                flagged_at=now,
            )
        )
        uow.commit()
    clock.advance(minutes=4)
    assert receipt
    return db


@pytest.fixture
def window(qtbot, synced_counter: Database) -> MainWindow:
    counter = counter_for(synced_counter)
    context = ClientContext(
        counter=counter, settings=current_settings(counter.read()), terminal_code="T01"
    )
    main = MainWindow(context, idle_lock_ms=60_000)
    qtbot.addWidget(main)
    main.resize(1280, 800)
    main.show()
    yield main
    wait_for_all()


def test_the_status_bar_says_online_pending_and_when_it_last_synced(qtbot, window):
    sign_in(qtbot, window, "jsmith", "1234")
    qtbot.waitUntil(lambda: window.status_sync.text().startswith("Online"))
    text = window.status_sync.text()
    # 10:00 EDT minus 10 minutes, seen 4 minutes later; the payment is 4 minutes old.
    assert "1 pending" in text and "oldest 4 min" in text and "synced 09:50" in text
    assert "2 to review" in text


def test_a_supervisor_reviews_parked_and_flagged_records_and_retries(qtbot, window):
    sign_in(qtbot, window, "mbrown", "2345")
    qtbot.keyClick(window, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: on(window, "sync"))
    screen = window.screens["sync"]
    qtbot.waitUntil(lambda: screen.table.rowCount() == 2)
    rows = [
        [screen.table.item(r, c).text() for c in range(screen.table.columnCount())]
        for r in range(2)
    ]
    assert rows[0][:4] == ["Parked", "credit note", "CN-T01-00009", "unknown consumer 0190-abc"]
    assert rows[1][0] == "Overpayment" and rows[1][2] == "INV-2025-001234"
    assert "paid more than once" in rows[1][3]
    assert screen.retry_button.isEnabled()

    qtbot.keyClick(screen, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.table.rowCount() == 1)
    assert screen.table.item(0, 0).text() == "Overpayment"
    assert not screen.retry_button.isEnabled()
    qtbot.keyClick(screen, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: on(window, "landing"))


def test_a_cashier_cannot_open_the_sync_screen(qtbot, window):
    sign_in(qtbot, window, "jsmith", "1234")
    qtbot.keyClick(window, Qt.Key.Key_F7)  # the key is handled there and then: no wait

    assert on(window, "landing")


@pytest.fixture
def quarantined_counter(synced_counter: Database) -> Database:
    """Besides the above: a payment from the server this counter could not apply, and the
    sync that ran into it."""
    with synced_counter.unit_of_work() as uow:
        now = uow.now()
        uow.session.add(
            SyncQuarantine(
                entity="payment",
                key="0190c0de-0000-7000-8000-00000000f00d",
                seq=41,
                op="upsert",
                data_json=json.dumps({"receipt_number": "R-T09-0004", "amount_minor": 1}),
                error="RecordInvalid: payment: the cash does not balance",
                app_version="0.1.0",
                first_seen_at=now,
                last_seen_at=now,
                retries=0,
                retry_requested=False,
            )
        )
        state = uow.session.get(SyncState, 1)
        state.last_error = "1 change from the server could not be applied (quarantined)"
        state.last_error_at, state.last_error_kind = now, "quarantined"
        uow.commit()
    return synced_counter


@pytest.fixture
def quarantine_window(qtbot, quarantined_counter: Database) -> MainWindow:
    counter = counter_for(quarantined_counter)
    context = ClientContext(
        counter=counter, settings=current_settings(counter.read()), terminal_code="T01"
    )
    main = MainWindow(context, idle_lock_ms=60_000)
    qtbot.addWidget(main)
    main.resize(1280, 800)
    main.show()
    yield main
    wait_for_all()


def test_the_status_bar_names_the_last_error_beside_online(qtbot, quarantine_window):
    sign_in(qtbot, quarantine_window, "jsmith", "1234")
    qtbot.waitUntil(lambda: "not applied" in quarantine_window.status_sync.text())
    text = quarantine_window.status_sync.text()
    assert "1 not applied" in text and "last error 10:04: 1 change from the server" in text
    assert "could not be applied" in quarantine_window.status_sync.toolTip()


def test_the_sync_screen_lists_a_quarantined_change_and_retries_it(
    qtbot, quarantine_window, quarantined_counter
):
    sign_in(qtbot, quarantine_window, "mbrown", "2345")
    qtbot.keyClick(quarantine_window, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: on(quarantine_window, "sync"))
    screen = quarantine_window.screens["sync"]
    qtbot.waitUntil(lambda: screen.table.rowCount() == 3)
    rows = [
        [screen.table.item(r, c).text() for c in range(screen.table.columnCount())]
        for r in range(3)
    ]
    assert rows[1][:4] == [
        "Not applied",
        "payment",
        "R-T09-0004",
        "RecordInvalid: payment: the cash does not balance",
    ]
    assert rows[1][5] == "1"
    assert "Last error" in screen.detail.text()
    button = screen.retry_quarantined_button
    assert button.isEnabled() and button.accessibleName() == "Retry quarantined"

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def marked() -> bool:
        with quarantined_counter.read() as uow:
            return bool(uow.session.scalar(select(SyncQuarantine.retry_requested)))

    qtbot.waitUntil(marked)
    screen.table.selectRow(1)
    assert not screen.resolve_button.isEnabled()  # retried, never "resolved"


def test_an_unregistered_counter_never_claims_its_records_reached_a_server(db: Database) -> None:
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type="Bill",
        items=("INV-2025-001234",),
        method="Cash",
        amount="145.50",
        username="jsmith",
    )
    assert empty_text(sync_status(db.read())) == (
        "Nothing to review. This counter works on its own: it is not connected to a server."
    )

    record_payment(db.unit_of_work(), request)

    assert empty_text(sync_status(db.read())) == (
        "Nothing to review. This counter is not connected to a server: 1 record will be sent "
        "once it is registered."
    )
