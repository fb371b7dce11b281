"""Payment details as a cashier and a supervisor see them: every section, Verify and Void."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt

from app.db.database import Database
from app.services.actors import sign_in
from app.services.record_payment import PaymentRequest, record_payment
from app.services.void_payment import void_payment
from tests.support.payments import add_online_payment
from ui.context import ClientContext
from ui.screens.consumer_profile import ConsumerProfileScreen
from ui.screens.payment_details import PaymentDetailsScreen

LEFT = Qt.MouseButton.LeftButton


def pay(db: Database, item: str, amount: str, method: str = "Cash", **extra: object) -> str:
    kind = {"INV": "Bill", "SC-": "Service", "PP-": "Installment"}[item[:3]]
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type=kind,
        items=(item,),
        method=method,
        amount=amount,
        username="jsmith",
        **extra,  # type: ignore[arg-type]
    )
    return record_payment(db.unit_of_work(), request).receipt_number


def online_payment(db: Database, invoice: str = "INV-2025-001234") -> str:
    """A card payment from the online gateway, waiting for a supervisor to verify it."""
    return add_online_payment(db, invoice=invoice)


@pytest.fixture
def supervisor(context: ClientContext) -> ClientContext:
    """Michael Brown, billing manager, on the same counter."""
    return context.signed_in(sign_in(context.counter.write(), "mbrown", "2345"))


def text(screen: PaymentDetailsScreen, key: str) -> str:
    widget = screen.values[key]
    return widget.text()  # type: ignore[attr-defined]


def test_the_spec_cash_sample_shows_every_section(qtbot, context, db, open_screen) -> None:
    receipt = pay(db, "INV-2025-001234", "145.50", tendered="150.00", notes="Customer paid in full")
    screen = open_screen(context, receipt)

    assert screen.title.text() == f"Payment {receipt}"
    assert screen.status_badge.text() == "Posted"
    assert text(screen, "payment_id").startswith("PAY-2025-")
    assert text(screen, "amount_paid") == "$145.50"
    assert text(screen, "method") == "Cash"
    assert text(screen, "type") == "Bill"
    assert text(screen, "channel") == "Walk-in"
    assert text(screen, "settlement") == "N/A"
    assert text(screen, "invoice") == "INV-2025-001234"
    assert text(screen, "period") == "Mar 2025"
    assert text(screen, "item_amount") == "$145.50"
    assert text(screen, "analysis_paid") == "$145.50"
    assert text(screen, "difference_amount") == "$0.00"
    assert text(screen, "analysis") == "Exact payment"
    assert text(screen, "received") == "$150.00"
    assert text(screen, "change") == "$4.50"
    assert text(screen, "receipt_number") == receipt
    assert text(screen, "transaction_id").startswith("TXN-2025-")
    assert text(screen, "payment_date") == "Apr 20, 2025"
    assert text(screen, "terminal") == "T01"
    assert text(screen, "received_by") == "Jane Smith"
    assert text(screen, "processing_time") == "Immediate"
    assert text(screen, "verification") == "Verified"
    assert text(screen, "consumer_name") == "John Doe"
    assert text(screen, "account_number") == "WU-10001"
    assert text(screen, "service_address") == "123 Main Street, Cityville"
    assert text(screen, "phone") == "(555) 123-4567"
    assert text(screen, "notes") == "Customer paid in full"
    assert screen.cards["cash"].isVisible()
    assert not screen.cards["credit"].isVisible()
    assert not screen.banner.isVisible()


def test_a_cashier_sees_no_void_and_no_verify(qtbot, context, db, open_screen) -> None:
    screen = open_screen(context, pay(db, "INV-2025-001234", "145.50"))
    assert not screen.void_button.isVisible()
    assert not screen.verify_button.isVisible()
    assert screen.credit_button.isEnabled()


def test_an_overpaid_card_payment_links_its_credit_note(qtbot, context, db, open_screen) -> None:
    screen = open_screen(context, pay(db, "INV-2025-001234", "160.00", "Credit Card"))
    assert text(screen, "analysis") == "Overpaid"
    assert text(screen, "difference_amount") == "$14.50"
    assert screen.cards["credit"].isVisible()
    assert not screen.cards["cash"].isVisible()
    number = text(screen, "credit_note")
    assert number.startswith("CN-")
    assert text(screen, "credit_amount") == "$14.50"
    with qtbot.waitSignal(screen.credit_note_opened) as opened:
        qtbot.mouseClick(screen.values["credit_note"], LEFT)
    assert opened.args == [number]


def test_an_underpaid_installment_shows_the_plan_and_due_date(
    qtbot, context, db, open_screen
) -> None:
    screen = open_screen(context, pay(db, "PP-2025-0034/2", "30.00", "Debit Card"))
    assert text(screen, "plan") == "PP-2025-0034"
    assert text(screen, "installment") == "2"
    assert text(screen, "due_date") == "May 15, 2025"
    assert screen.cards["analysis"].captions["item_amount"].text() == "Installment amount"
    assert text(screen, "item_amount") == "$67.50"
    assert text(screen, "difference_amount") == "$37.50"
    assert text(screen, "analysis") == "Underpaid"


def test_a_service_payment_shows_the_service_name_and_date(qtbot, context, db, open_screen) -> None:
    screen = open_screen(context, pay(db, "SC-2025-000101", "75.00"))
    assert text(screen, "service") == "Reconnection Fee"
    assert text(screen, "service_date") == "Apr 18, 2025"
    assert text(screen, "analysis") == "Exact payment"


def test_the_buttons_and_links_say_where_to_go(qtbot, context, db, open_screen) -> None:
    receipt = pay(db, "INV-2025-001234", "145.50")
    screen = open_screen(context, receipt)
    with qtbot.waitSignal(screen.receipt_opened) as opened:
        qtbot.mouseClick(screen.receipt_button, LEFT)
    assert opened.args == [receipt]
    with qtbot.waitSignal(screen.credit_note_requested) as requested:
        qtbot.mouseClick(screen.credit_button, LEFT)
    assert requested.args == [receipt]
    with qtbot.waitSignal(screen.consumer_opened) as consumer:
        qtbot.mouseClick(screen.values["account_number"], LEFT)
    assert consumer.args == ["WU-10001"]
    with qtbot.waitSignal(screen.back_requested):
        qtbot.keyClick(screen.receipt_button, Qt.Key.Key_Escape)


def test_an_unknown_receipt_says_so(qtbot, context, keep) -> None:
    screen = keep(PaymentDetailsScreen(context))
    screen.show_payment("R-404")
    qtbot.waitUntil(lambda: "R-404" in screen.message.text())
    assert screen.message.text() == "No payment with receipt or payment number 'R-404'."
    assert not screen.receipt_button.isEnabled()


def test_a_supervisor_voids_through_the_dialog_and_the_balance_returns(
    qtbot, supervisor, db, open_screen, keep
) -> None:
    receipt = pay(db, "INV-2025-001234", "160.00", "Credit Card")
    screen = open_screen(supervisor, receipt)
    assert screen.void_button.isVisible() and screen.void_button.isEnabled()

    qtbot.mouseClick(screen.void_button, LEFT)
    dialog = screen.void_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.confirm.isEnabled()
    dialog.reason.setPlainText("x" * 501)
    assert dialog.error.text() == "The reason can be at most 500 characters (this one has 501)."
    assert not dialog.confirm.isEnabled()
    dialog.reason.clear()
    assert dialog.error.text() == "Give the reason for voiding the payment."
    qtbot.keyClicks(dialog.reason, "Keyed against the wrong bill")
    assert dialog.count.text() == "28 / 500"
    assert dialog.confirm.isEnabled() and not dialog.error.isVisible()
    qtbot.mouseClick(dialog.confirm, LEFT)

    qtbot.waitUntil(lambda: screen.status_badge.text() == "Voided")
    assert not dialog.isVisible()
    assert screen.banner.isVisible()
    assert "by Michael Brown" in screen.banner.text()
    assert screen.banner.text().endswith("Reason: Keyed against the wrong bill")
    assert text(screen, "credit_status").startswith("Cancelled")
    assert not screen.void_button.isEnabled()
    assert not screen.credit_button.isEnabled()

    profile = keep(ConsumerProfileScreen(supervisor))
    profile.show_consumer("WU-10001")
    qtbot.waitUntil(lambda: profile.values["balance"].text() == "$600.25")
    assert profile.values["credit"].text() == "$0.00"


def test_void_refusals_stay_in_the_dialog(qtbot, supervisor, db, open_screen) -> None:
    receipt = pay(db, "INV-2025-001234", "145.50")
    screen = open_screen(supervisor, receipt)
    qtbot.mouseClick(screen.void_button, LEFT)
    dialog = screen.void_dialog
    qtbot.keyClicks(dialog.reason, "Duplicate")
    # Meanwhile someone voids it from another screen.
    void_payment(db.unit_of_work(), receipt=receipt, reason="Elsewhere", username="mbrown")
    qtbot.mouseClick(dialog.confirm, LEFT)
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert dialog.error.text() == (
        f"Receipt {receipt} is voided: only posted payments can be voided."
    )
    assert dialog.isVisible()


def test_a_payment_from_an_earlier_day_cannot_be_voided(
    qtbot, supervisor, db, clock, open_screen
) -> None:
    receipt = pay(db, "INV-2025-001234", "145.50")
    clock.advance(days=1)
    screen = open_screen(supervisor, receipt)
    assert screen.void_button.isVisible()
    assert not screen.void_button.isEnabled()
    assert "only same-day payments can be voided" in screen.void_button.toolTip()


def test_a_supervisor_verifies_a_pending_online_payment(qtbot, supervisor, db, open_screen) -> None:
    screen = open_screen(supervisor, online_payment(db))
    assert text(screen, "received_by") == "System"
    assert text(screen, "channel") == "Online"
    assert text(screen, "settlement") == "In Progress"
    assert text(screen, "processing_time") == "1.0 days so far"  # received yesterday, unsettled
    assert "Not settled yet" in screen.values["processing_time"].toolTip()
    assert text(screen, "verification") == "Pending"
    assert screen.verify_button.isVisible()
    assert not screen.void_button.isEnabled()  # recorded yesterday

    qtbot.mouseClick(screen.verify_button, LEFT)

    qtbot.waitUntil(lambda: text(screen, "verification") == "Verified")
    assert not screen.verify_button.isVisible()


def test_a_cashier_cannot_verify(qtbot, context, db, open_screen) -> None:
    screen = open_screen(context, online_payment(db))
    assert text(screen, "verification") == "Pending"
    assert not screen.verify_button.isVisible()
