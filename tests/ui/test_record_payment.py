"""The record-payment flow, driven with the keyboard alone as a fast cashier does it."""

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import update

from app.db.tables import Consumer
from app.services.payment_details import payment_details
from app.services.payments_list import PaymentQuery, list_payments
from app.services.record_payment import PaymentRequest, record_payment
from ui.screens.record_payment import RecordPaymentScreen

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def screen(qtbot, context) -> RecordPaymentScreen:
    widget = RecordPaymentScreen(context)
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    widget.start()
    qtbot.waitUntil(lambda: widget.form.search.hasFocus())
    return widget


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press delivered where a real one would go: to the focused widget."""
    qtbot.keyClick(focused(), key, modifier)


def type_text(qtbot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def jump(qtbot, letter: str) -> None:
    """Alt+letter: the underlined letter of a field's caption takes the cursor there."""
    press(qtbot, getattr(Key, f"Key_{letter}"), ALT)


def scan(qtbot, code: str) -> None:
    """A barcode scanner: the characters at once, then Enter, with no pause for the search."""
    type_text(qtbot, code)
    press(qtbot, Key.Key_Return)


def choose_john(qtbot, screen: RecordPaymentScreen) -> None:
    type_text(qtbot, "john")
    qtbot.waitUntil(lambda: screen.form.results.count() == 1)
    press(qtbot, Key.Key_Return)
    qtbot.waitUntil(lambda: screen.form.account_panel.values["name"].text() == "John Doe")
    qtbot.waitUntil(lambda: screen.form.channel.hasFocus())


def review_text(screen: RecordPaymentScreen, key: str) -> str:
    return screen.review.values[key].text()


def payment_count(context) -> int:
    return len(list_payments(context.counter.read(), PaymentQuery()).rows)


def test_the_spec_cash_sample_is_recorded_with_the_keyboard_alone(qtbot, screen, context):
    form = screen.form
    choose_john(qtbot, screen)
    panel = form.account_panel.values
    assert panel["account"].text() == "WU-10001"
    assert panel["address"].text() == "123 Main Street, Cityville"
    assert panel["phone"].text() == "(555) 123-4567"
    assert panel["email"].text() == "john.doe@example.com"
    assert panel["balance"].text() == "$600.25"
    assert form.channel.currentText() == "Walk-in"
    press(qtbot, Key.Key_Return)  # channel -> type
    assert form.type_buttons["Bill"].hasFocus()
    assert form.type_buttons["Bill"].isChecked()
    press(qtbot, Key.Key_Tab)  # type -> items
    assert form.items.hasFocus()
    assert [i.reference for i in form.items.checked_items()] == ["INV-2025-001234"]
    assert form.items.topLevelItemCount() == 2
    press(qtbot, Key.Key_Return)  # items -> method
    assert form.method.hasFocus()
    assert form.method.currentText() == "Cash"
    press(qtbot, Key.Key_Tab)
    assert form.amount.hasFocus()
    assert form.amount.text() == "145.50"
    type_text(qtbot, "145.50")
    press(qtbot, Key.Key_Return)
    assert form.received.hasFocus()
    type_text(qtbot, "150.00")
    assert form.change.text() == "$4.50"
    assert "exact payment" in form.summary.text()
    assert form.review_button.isEnabled()
    press(qtbot, Key.Key_Return, CTRL)
    assert screen.pages.currentWidget() is screen.review
    assert review_text(screen, "name") == "John Doe"
    assert review_text(screen, "account") == "WU-10001"
    assert review_text(screen, "balance") == "$600.25"
    assert review_text(screen, "type") == "Bill"
    assert review_text(screen, "channel") == "Walk-in"
    assert review_text(screen, "method") == "Cash"
    assert review_text(screen, "total") == "$145.50"
    assert review_text(screen, "received") == "$150.00"
    assert review_text(screen, "change") == "$4.50"
    assert review_text(screen, "recorded_by") == "Jane Smith"
    assert screen.review.confirm.hasFocus()
    with qtbot.waitSignal(screen.payment_recorded, timeout=5000) as recorded:
        press(qtbot, Key.Key_Return)
    payment = recorded.args[0]
    assert payment.receipt_number == "R-T01-0001"
    assert payment.change_minor == 450
    details = payment_details(context.counter.read(), "R-T01-0001")
    assert (details.consumer_name, details.amount_minor) == ("John Doe", 14550)
    assert (details.tendered_minor, details.change_minor) == (15000, 450)
    assert (details.method, details.channel, details.payment_type) == ("Cash", "Walk-in", "Bill")
    assert details.received_by == "Jane Smith"
    assert [i.reference for i in details.items] == ["INV-2025-001234"]


def test_an_overpayment_kept_as_credit_issues_a_credit_note(qtbot, screen, context):
    form = screen.form
    choose_john(qtbot, screen)
    jump(qtbot, "A")
    type_text(qtbot, "150.00")
    assert form.extra_row.isVisible()
    assert "Choose" in form.extra_error.text()
    assert not form.review_button.isEnabled()
    jump(qtbot, "K")
    qtbot.waitUntil(form.extra_buttons["credit"].isChecked)
    assert "Extra <b>$4.50</b> is kept as a credit note." in form.summary.text()
    assert form.change.text() == "$0.00"
    press(qtbot, Key.Key_Return, CTRL)
    assert review_text(screen, "total") == "$150.00"
    assert review_text(screen, "credit") == "$4.50"
    with qtbot.waitSignal(screen.payment_recorded, timeout=5000) as recorded:
        press(qtbot, Key.Key_Return)
    credit = recorded.args[0].credit_note
    assert credit is not None
    assert (credit.number, credit.amount_minor) == ("CN-T01-00001", 450)
    details = payment_details(context.counter.read(), "R-T01-0001")
    assert [(n.number, n.amount_minor) for n in details.credit_notes] == [("CN-T01-00001", 450)]


def test_extra_cash_returned_as_change_records_only_what_is_owed(qtbot, screen, context):
    form = screen.form
    choose_john(qtbot, screen)
    jump(qtbot, "A")
    type_text(qtbot, "150.00")
    jump(qtbot, "C")
    qtbot.waitUntil(lambda: form.change.text() == "$4.50")
    press(qtbot, Key.Key_Return, CTRL)
    assert review_text(screen, "total") == "$145.50"
    assert review_text(screen, "change") == "$4.50"
    with qtbot.waitSignal(screen.payment_recorded, timeout=5000) as recorded:
        press(qtbot, Key.Key_Return)
    assert recorded.args[0].credit_note is None
    assert recorded.args[0].change_minor == 450


def test_an_overpaid_card_payment_keeps_the_extra_as_credit_and_says_so(qtbot, screen, context):
    form = screen.form
    choose_john(qtbot, screen)
    jump(qtbot, "M")
    press(qtbot, Key.Key_Down)  # Credit Card
    assert form.method.currentText() == "Credit Card"
    assert not form.received.isVisible()
    jump(qtbot, "A")
    type_text(qtbot, "160.00")
    assert not form.extra_row.isVisible()
    assert "kept as a credit note" in form.summary.text()
    press(qtbot, Key.Key_Return, CTRL)
    with qtbot.waitSignal(screen.payment_recorded, timeout=5000) as recorded:
        press(qtbot, Key.Key_Return)
    assert recorded.args[0].credit_note.amount_minor == 1450


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("0", "Amount must be greater than zero."),
        ("abc", "Amount must be a number, not 'abc'."),
        ("1.234", "Amount can have at most 2 decimal places."),
        ("1200.00", "(at most $1,100.25)"),
    ],
)
def test_a_wrong_amount_is_explained_beside_it_and_blocks_review(
    qtbot, screen, context, typed, reason
):
    form = screen.form
    choose_john(qtbot, screen)
    jump(qtbot, "A")
    type_text(qtbot, typed)
    assert reason in form.amount_error.text()
    assert form.amount_error.isVisible()
    assert form.amount.property("invalid") is True
    assert not form.review_button.isEnabled()
    press(qtbot, Key.Key_Return, CTRL)
    assert screen.pages.currentWidget() is not screen.review
    assert form.amount.hasFocus()
    assert form.amount.selectedText() == typed
    type_text(qtbot, "145.50")
    assert not form.amount_error.isVisible()
    assert form.amount.property("invalid") is False
    assert form.review_button.isEnabled()


def test_cash_received_below_the_amount_is_refused_beside_it(qtbot, screen):
    form = screen.form
    choose_john(qtbot, screen)
    jump(qtbot, "R")
    type_text(qtbot, "100")
    assert form.received_error.text() == (
        "Amount received $100.00 is less than the amount paid $145.50."
    )
    assert not form.review_button.isEnabled()


def test_notes_over_the_limit_turn_the_counter_red_and_block_review(qtbot, screen, context):
    form = screen.form
    limit = context.settings.notes_max_length
    choose_john(qtbot, screen)
    jump(qtbot, "N")
    type_text(qtbot, "x" * limit)
    assert form.notes_count.text() == f"{limit} / {limit}"
    assert form.review_button.isEnabled()
    type_text(qtbot, "y")
    assert form.notes_count.text() == f"{limit + 1} / {limit}"
    assert form.notes_count.property("role") == "error"
    assert "at most 250 characters" in form.notes_error.text()
    assert not form.review_button.isEnabled()


def test_unticking_every_item_asks_for_one(qtbot, screen):
    form = screen.form
    choose_john(qtbot, screen)
    jump(qtbot, "T")
    press(qtbot, Key.Key_Space)
    assert form.items.checked_items() == ()
    assert form.items_error.text() == "Select at least one unpaid item to pay."
    assert not form.amount_box.isEnabled()
    assert not form.review_button.isEnabled()
    press(qtbot, Key.Key_Down)
    press(qtbot, Key.Key_Space)
    assert [i.reference for i in form.items.checked_items()] == ["INV-2025-001567"]
    assert form.amount.text() == "152.25"


def test_a_scanned_account_number_selects_the_consumer_directly(qtbot, screen):
    scan(qtbot, "WU-10001")
    qtbot.waitUntil(lambda: screen.form.account_panel.values["name"].text() == "John Doe")
    assert screen.form.channel.hasFocus()


def test_a_scanned_invoice_selects_its_consumer_and_ticks_that_bill(qtbot, screen):
    scan(qtbot, "INV-2025-001567")
    qtbot.waitUntil(lambda: screen.form.account_panel.values["name"].text() == "John Doe")
    assert [i.reference for i in screen.form.items.checked_items()] == ["INV-2025-001567"]
    assert screen.form.amount.text() == "152.25"


def test_a_scanned_invoice_already_paid_ticks_nothing_and_says_so(qtbot, screen, context):
    record_payment(
        context.counter.write(),
        PaymentRequest(
            account_number="WU-10001",
            payment_type="Bill",
            items=("INV-2025-001234",),
            method="Cash",
            amount="145.50",
            username="jsmith",
        ),
    )
    scan(qtbot, "INV-2025-001234")
    qtbot.waitUntil(lambda: screen.form.account_panel.values["name"].text() == "John Doe")
    assert screen.form.items.checked_items() == ()
    assert screen.form.items_error.text() == "INV-2025-001234 has nothing left to pay."
    assert not screen.form.review_button.isEnabled()


def test_installments_list_every_unpaid_installment(qtbot, screen):
    form = screen.form
    choose_john(qtbot, screen)
    jump(qtbot, "I")
    qtbot.waitUntil(form.type_buttons["Installment"].isChecked)
    refs = [form.items.topLevelItem(i).text(0) for i in range(form.items.topLevelItemCount())]
    assert refs == ["PP-2025-0034/1", "PP-2025-0034/2", "PP-2025-0034/3"]
    jump(qtbot, "S")
    qtbot.waitUntil(form.type_buttons["Service"].isChecked)
    refs = [form.items.topLevelItem(i).text(0) for i in range(form.items.topLevelItemCount())]
    assert refs == ["SC-2025-000087", "SC-2025-000101"]
    assert form.amount.text() == "25.00"


def test_a_service_refusal_is_shown_on_review_and_nothing_is_recorded(qtbot, screen, context):
    choose_john(qtbot, screen)
    press(qtbot, Key.Key_Return, CTRL)
    assert screen.pages.currentWidget() is screen.review
    record_payment(
        context.counter.write(),
        PaymentRequest(
            account_number="WU-10001",
            payment_type="Bill",
            items=("INV-2025-001234",),
            method="Credit Card",
            amount="145.50",
            username="mbrown",
        ),
    )
    press(qtbot, Key.Key_Return)
    qtbot.waitUntil(lambda: screen.review.error.text() != "")
    assert "INV-2025-001234 is already paid in full." in screen.review.error.text()
    assert not screen.review.confirm.isEnabled()
    assert payment_count(context) == 1
    press(qtbot, Key.Key_Escape)
    assert screen.pages.currentWidget() is screen.scroll
    qtbot.waitUntil(
        lambda: [i.reference for i in screen.form.items.checked_items()] == ["INV-2025-001567"]
    )


def test_confirm_twice_records_one_payment(qtbot, screen, context):
    choose_john(qtbot, screen)
    press(qtbot, Key.Key_Return, CTRL)
    with qtbot.waitSignal(screen.payment_recorded, timeout=5000):
        press(qtbot, Key.Key_Return)
        press(qtbot, Key.Key_Return)
        screen.review.confirm.click()
    assert payment_count(context) == 1


def test_escape_steps_back_then_cancels(qtbot, screen):
    form = screen.form
    choose_john(qtbot, screen)
    press(qtbot, Key.Key_Return, CTRL)
    press(qtbot, Key.Key_Escape)
    assert screen.pages.currentWidget() is screen.scroll
    assert form.review_button.hasFocus()
    press(qtbot, Key.Key_Escape)
    assert form.notes.hasFocus()
    press(qtbot, Key.Key_Escape)
    assert form.method.hasFocus()
    press(qtbot, Key.Key_Escape)
    assert form.channel.hasFocus()
    press(qtbot, Key.Key_Escape)
    assert form.search.hasFocus()
    with qtbot.waitSignal(screen.cancelled, timeout=1000):
        press(qtbot, Key.Key_Escape)


def test_start_with_an_account_preselects_the_consumer(qtbot, screen):
    screen.start("WU-10001")
    qtbot.waitUntil(lambda: screen.form.account_panel.values["name"].text() == "John Doe")
    assert screen.form.payment_box.isEnabled()


def test_sections_stay_disabled_until_a_consumer_is_chosen(qtbot, screen):
    form = screen.form
    assert not form.payment_box.isEnabled()
    assert not form.amount_box.isEnabled()
    assert not form.review_button.isEnabled()
    type_text(qtbot, "nobody-here")
    press(qtbot, Key.Key_Return)
    qtbot.waitUntil(lambda: form.search_error.text() != "")
    assert form.search_error.text() == "No consumer matches 'nobody-here'."


def test_after_a_recorded_payment_the_screen_opens_on_a_fresh_form(qtbot, screen):
    choose_john(qtbot, screen)
    press(qtbot, Key.Key_Return, CTRL)
    with qtbot.waitSignal(screen.payment_recorded, timeout=5000):
        press(qtbot, Key.Key_Return)
    screen.hide()
    screen.show()  # as when the cashier comes back to Record Payment (F2)
    assert screen.pages.currentWidget() is screen.scroll
    assert screen.form.search.text() == ""
    assert not screen.form.payment_box.isEnabled()
    assert screen.review.confirm.text() == "Confirm payment  (Enter)"


def test_a_disconnected_account_is_shown_as_such_and_still_takes_payment(qtbot, context):
    with context.counter.database.unit_of_work() as uow:
        uow.session.execute(
            update(Consumer)
            .where(Consumer.account_number == "WU-10001")
            .values(status="Disconnected")
        )
        uow.commit()
    widget = RecordPaymentScreen(context)
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    widget.show()
    widget.start()
    qtbot.waitUntil(lambda: widget.form.search.hasFocus())
    choose_john(qtbot, widget)

    notice = widget.form.account_panel.notice.text()
    assert notice.startswith("ACCOUNT DISCONNECTED")
    assert widget.form.payment_box.isEnabled()


def test_the_payment_date_is_today_and_cannot_be_set_ahead(qtbot, screen):
    form = screen.form
    choose_john(qtbot, screen)

    assert form.paid_on.date().toPython() == date(2025, 4, 20)  # the counter's clock
    assert form.paid_on.maximumDate().toPython() == date(2025, 4, 20)
    jump(qtbot, "D")
    assert form.paid_on.hasFocus()


def test_a_back_dated_payment_is_approved_by_a_supervisor_with_their_pin(qtbot, screen, context):
    form = screen.form
    choose_john(qtbot, screen)
    form.paid_on.setDate(QDate(2025, 4, 1))
    assert form.date_error.text() == "Over 3 days back: a supervisor approves it."
    jump(qtbot, "A")
    type_text(qtbot, "145.50")
    press(qtbot, Key.Key_Return, CTRL)
    assert review_text(screen, "date") == "Apr 1, 2025"

    press(qtbot, Key.Key_Return)  # confirm: the service asks for a supervisor
    qtbot.waitUntil(lambda: screen._approval is not None and screen._approval.isVisible())
    dialog = screen._approval
    assert "19 days back" in dialog.reasons.text()
    qtbot.keyClicks(dialog.username, "mbrown")
    qtbot.keyClicks(dialog.pin, "0000")
    qtbot.keyClick(dialog.pin, Key.Key_Return)
    qtbot.waitUntil(lambda: "PIN" in dialog.error.text() or "wrong" in dialog.error.text())
    assert payment_count(context) == 0
    qtbot.keyClicks(dialog.pin, "2345")
    with qtbot.waitSignal(screen.payment_recorded, timeout=5000) as recorded:
        qtbot.keyClick(dialog.pin, Key.Key_Return)

    details = payment_details(context.counter.read(), recorded.args[0].receipt_number)
    assert details.payment_date == date(2025, 4, 1)
