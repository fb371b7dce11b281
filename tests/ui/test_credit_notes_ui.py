"""Credit notes on screen: create with the keyboard, filter the tab, details and Apply, approval."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

from collections.abc import Callable

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.services.credit_notes import apply_credit_note
from app.services.credit_notes_list import credit_note_details, list_credit_notes
from tests.support.credit_notes import credit, pay
from ui.context import ClientContext
from ui.dialogs.create_credit_note import CreateCreditNoteDialog
from ui.dialogs.credit_note_details import CreditNoteDetailsDialog
from ui.screens.approvals import ApprovalsScreen
from ui.screens.credit_notes_tab import CreditNotesTab
from ui.widgets.toast import Toast

Key = Qt.Key


def press(qtbot, key: Key) -> None:
    """A key press delivered where a real one goes: to the focused widget."""
    qtbot.keyClick(QApplication.focusWidget(), key)


def toast_text(widget: QWidget) -> str:
    toasts = [t for t in widget.window().findChildren(Toast) if t.isVisible()]
    return toasts[-1].message if toasts else ""


def open_create(qtbot, context: ClientContext, receipt: str) -> CreateCreditNoteDialog:
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(900, 700)
    host.show()
    dialog = CreateCreditNoteDialog(context, receipt, host)
    dialog.host = host  # the window behind the dialog, where the success toast shows; kept alive
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.payment["receipt"].text() == receipt)
    qtbot.waitUntil(dialog.amount.hasFocus)
    return dialog


# -- Create credit note ---------------------------------------------------------------------
def test_a_cashier_creates_a_credit_note_with_the_keyboard_alone(qtbot, db, cashier) -> None:
    receipt = pay(db, "INV-2025-001234", "145.50")
    dialog = open_create(qtbot, cashier, receipt)
    assert [dialog.payment[k].text() for k in ("consumer", "account", "amount", "method")] == [
        "John Doe",
        "WU-10001",
        "$145.50",
        "Credit Card",
    ]
    assert dialog.payment["date"].text() == "Apr 20, 2025"
    assert dialog.number.text() == "CN-T01-00001"
    assert (dialog.amount.text(), dialog.amount_hint.text()) == ("145.50", "Maximum: $145.50")
    assert dialog.reason.currentIndex() == -1  # mandatory, never pre-chosen
    assert not dialog.create_button.isEnabled()

    qtbot.keyClicks(dialog.amount, "45.5")  # replaces the selected default
    press(qtbot, Key.Key_Tab)
    assert dialog.reason.hasFocus()
    qtbot.keyClicks(dialog.reason, "Billing")  # type-ahead; a space would open the list
    assert dialog.reason.currentText() == "Billing Error"
    press(qtbot, Key.Key_Tab)
    assert dialog.remarks.hasFocus()
    qtbot.keyClicks(dialog.remarks, "Meter misread")
    assert dialog.remarks_counter.text() == "13 / 500"
    assert [dialog.summary[k].text() for k in ("original", "credit", "remaining")] == [
        "$145.50",
        "$45.50",
        "$100.00",
    ]
    assert not dialog.full_reversal.isVisible()
    assert not dialog.approval_note.isVisible()
    press(qtbot, Key.Key_Tab)
    assert dialog.create_button.hasFocus() and dialog.create_button.isEnabled()
    with qtbot.waitSignal(dialog.credit_note_created) as created:
        press(qtbot, Key.Key_Space)
    assert created.args[0].number == "CN-T01-00001"
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.toast.message == "Credit note CN-T01-00001 for $45.50 created."
    (row,) = list_credit_notes(db.read())
    assert (row.amount_minor, row.reason, row.remarks, row.created_by, row.status) == (
        4550,
        "Billing Error",
        "Meter misread",
        "Jane Smith",
        "Active",
    )


def test_over_the_maximum_create_is_disabled_and_says_why(qtbot, db, cashier) -> None:
    receipt = pay(db, "INV-2025-001234", "145.50")
    credit(db, receipt, "45.50")
    dialog = open_create(qtbot, cashier, receipt)
    assert dialog.amount_hint.text() == "Maximum: $100.00"
    assert dialog.summary["credited"].text() == "$45.50"
    dialog.reason.setCurrentIndex(0)
    for typed, message in (
        ("100.01", "Credit amount cannot exceed the maximum of $100.00."),
        ("0", "Credit amount must be greater than zero."),
        ("12.345", "Credit amount can have at most 2 decimal places."),
        ("", "Credit amount is required."),
    ):
        dialog.amount.selectAll()
        qtbot.keyClicks(dialog.amount, typed) if typed else dialog.amount.clear()
        assert dialog.amount_error.text() == message
        assert not dialog.create_button.isEnabled()
        assert dialog.summary["remaining"].text() == "—"
    qtbot.keyClicks(dialog.amount, "100")
    assert dialog.amount_error.text() == "" and dialog.create_button.isEnabled()
    assert dialog.summary["remaining"].text() == "$0.00"
    assert dialog.full_reversal.isVisible()


def test_letters_cannot_be_typed_and_remarks_stop_at_500(qtbot, db, cashier) -> None:
    dialog = open_create(qtbot, cashier, pay(db, "INV-2025-001234", "145.50"))
    dialog.amount.clear()
    qtbot.keyClicks(dialog.amount, "1a2b")
    assert dialog.amount.text() == "12"
    dialog.remarks.setPlainText("x" * 510)
    assert len(dialog.remarks.toPlainText()) == 500
    assert dialog.remarks_counter.text() == "500 / 500"


def test_a_refused_create_keeps_the_dialog_open_with_a_failure_toast(qtbot, db, cashier) -> None:
    receipt = pay(db, "INV-2025-001234", "145.50")
    dialog = open_create(qtbot, cashier, receipt)
    dialog.reason.setCurrentIndex(0)
    credit(db, receipt, "145.50")  # another counter took it all meanwhile
    dialog.create_button.click()
    qtbot.waitUntil(lambda: dialog.form_error.text() != "")
    assert "cannot exceed the maximum of $0.00" in dialog.form_error.text()
    assert dialog.isVisible()
    assert dialog.toast.kind == "error" and "Credit note not created" in dialog.toast.message


def test_above_the_approval_amount_the_note_waits_for_a_billing_manager(
    qtbot, db, cashier, sign_in_as
) -> None:
    receipt = pay(db, "INV-2025-001234", "145.50")
    dialog = open_create(qtbot, cashier, receipt)
    dialog.amount.selectAll()
    qtbot.keyClicks(dialog.amount, "100.00")
    assert not dialog.approval_note.isVisible()  # not above $100.00
    qtbot.keyClicks(dialog.amount, "5")  # 100.005 is not money; 120 is
    dialog.amount.setText("120")
    assert dialog.approval_note.isVisible()
    assert "Above $100.00 a billing manager must approve" in dialog.approval_note.text()
    dialog.reason.setCurrentIndex(dialog.reason.findText("Refund Request"))
    dialog.create_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.toast.message == "Credit note CN-T01-00001 for $120.00 sent for approval."
    assert credit_note_details(db.read(), "CN-T01-00001").note.status == "Pending Approval"

    manager = open_create(qtbot, sign_in_as("mbrown"), pay(db, "INV-2025-001567", "152.25"))
    manager.amount.setText("150")
    assert not manager.approval_note.isVisible()  # a billing manager's own note is approved


# -- Credit Notes tab -----------------------------------------------------------------------


def shown(tab: CreditNotesTab) -> list[str]:
    return sorted(tab.model.row_at(r).number[-1] for r in range(tab.model.rowCount()))


def after(qtbot, tab: CreditNotesTab, change: Callable[[], object]) -> list[str]:
    """Change a filter as a user would and wait for the table to answer (the last digit)."""
    with qtbot.waitSignal(tab.model.modelReset, timeout=5000):
        change()
    return shown(tab)


def refused(qtbot, tab: CreditNotesTab, change: Callable[[], object]) -> str:
    change()
    qtbot.waitUntil(tab.filter_error.isVisible, timeout=5000)
    assert tab.model.rowCount() == 0
    return tab.filter_error.text()


def choose(combo, text: str) -> Callable[[], None]:
    return lambda: combo.setCurrentIndex(combo.findText(text))


def test_the_tab_shows_every_column_with_badges_and_links(tab) -> None:
    assert shown(tab) == ["1", "2", "3", "4", "5"]
    model = tab.model
    row = [model.index(4, c).data() for c in range(model.columnCount())]
    assert row == [
        "CN-T01-00001",
        "John Doe (WU-10001)",
        "$45.50",
        "$0.00",
        "Billing Error",
        "Applied",
        "Mar 28, 2025",
        "R-T01-0001",
        "⋮",  # More actions
    ]
    assert tab.count.text() == "5 credit notes"


def test_the_tab_searches_case_insensitively_and_partially(qtbot, tab) -> None:
    f = tab.filters
    assert after(qtbot, tab, lambda: qtbot.keyClicks(f.search, "ROE")) == ["4"]
    assert after(qtbot, tab, lambda: f.search.setText("r-t01-0003")) == ["3", "5"]
    assert after(qtbot, tab, lambda: f.search.setText("cn-t01-00002")) == ["2"]


def test_the_tab_filters_by_status(qtbot, tab) -> None:
    status = tab.filters.status
    assert after(qtbot, tab, choose(status, "Active")) == ["2", "3", "4"]
    assert after(qtbot, tab, choose(status, "Applied")) == ["1"]
    assert after(qtbot, tab, choose(status, "Pending Approval")) == ["5"]
    assert after(qtbot, tab, choose(status, "All statuses")) == ["1", "2", "3", "4", "5"]


def test_the_tab_filters_by_created_date_with_a_checked_custom_range(qtbot, tab) -> None:
    f = tab.filters
    assert after(qtbot, tab, choose(f.created, "Today")) == ["4", "5"]
    assert after(qtbot, tab, choose(f.created, "This Month")) == ["2", "3", "4", "5"]
    assert not f.date_from.isVisible()
    f.created.blockSignals(True)
    f.date_from.setDate(QDate(2025, 3, 1))
    f.date_to.setDate(QDate(2025, 4, 2))
    f.created.blockSignals(False)
    assert after(qtbot, tab, choose(f.created, "Custom range…")) == ["1", "2"]
    assert f.date_from.isVisible() and f.date_to.isVisible()
    message = refused(qtbot, tab, lambda: f.date_from.setDate(QDate(2025, 4, 10)))
    assert message == "The 'from' date must be on or before the 'to' date."
    assert after(qtbot, tab, lambda: f.date_to.setDate(QDate(2025, 4, 20))) == ["3", "4", "5"]
    assert not tab.filter_error.isVisible()


def test_the_tab_filters_by_several_reasons(qtbot, tab) -> None:
    picker = tab.filters.reasons
    assert picker.text() == "All reasons"
    assert list(picker.actions_by_reason) == list(tab._context.settings.credit_note_reasons)
    assert after(qtbot, tab, picker.actions_by_reason["Billing Error"].trigger) == ["1", "5"]
    assert after(qtbot, tab, picker.actions_by_reason["Customer Request"].trigger) == [
        "1",
        "4",
        "5",
    ]
    assert picker.text() == "2 reasons"


def test_the_tab_filters_by_a_consumer_chosen_from_suggestions(qtbot, tab) -> None:
    consumer = tab.filters.consumer
    consumer.setFocus()
    assert after(qtbot, tab, lambda: qtbot.keyClicks(consumer, "roe")) == ["4"]  # as typed
    completer = consumer.completer()
    qtbot.waitUntil(lambda: completer.model().rowCount() == 1)
    assert completer.model().index(0, 0).data() == "Jane Roe (WU-10002)"
    with qtbot.waitSignal(tab.model.modelReset, timeout=5000):
        completer.activated.emit("Jane Roe (WU-10002)")  # what choosing it in the popup sends
    assert consumer.text() == "Jane Roe (WU-10002)"
    assert shown(tab) == ["4"]
    assert after(qtbot, tab, lambda: consumer.setText("John Doe (WU-10001)")) == [
        "1",
        "2",
        "3",
        "5",
    ]


def test_the_tab_filters_by_remaining(qtbot, tab) -> None:
    remaining = tab.filters.remaining
    assert after(qtbot, tab, choose(remaining, "Fully used (nothing left)")) == ["1"]
    assert after(qtbot, tab, choose(remaining, "Partial remaining")) == ["2"]
    assert after(qtbot, tab, choose(remaining, "Full remaining (unused)")) == ["3", "4", "5"]


def test_the_tab_filters_by_linked_payment(qtbot, tab) -> None:
    assert after(qtbot, tab, lambda: tab.filters.receipt.setText("R-T01-0003")) == ["3", "5"]
    assert after(qtbot, tab, lambda: tab.filters.receipt.setText("0004")) == ["4"]


def test_the_tab_filters_by_a_numeric_amount_range(qtbot, tab) -> None:
    f = tab.filters
    qtbot.keyClicks(f.amount_min, "abc")
    assert f.amount_min.text() == ""  # numbers only
    assert after(qtbot, tab, lambda: qtbot.keyClicks(f.amount_min, "20")) == ["1", "2", "3", "5"]
    assert after(qtbot, tab, lambda: qtbot.keyClicks(f.amount_max, "75")) == ["1", "2", "3"]
    f.amount_min.setText("80")
    message = refused(qtbot, tab, lambda: None)
    assert message == "The minimum amount must not be more than the maximum amount."
    assert after(qtbot, tab, f.clear_button.click) == ["1", "2", "3", "4", "5"]
    assert f.amount_min.text() == "" and f.amount_max.text() == ""


def test_links_and_the_row_menu_open_the_note_or_the_payment(qtbot, tab, tmp_path) -> None:
    table = tab.table
    with qtbot.waitSignal(tab.payment_opened) as payment:
        tab.on_table_clicked(tab.model.index(0, 7))
    assert payment.args == ["R-T01-0003"]
    table.setFocus()
    table.setCurrentIndex(tab.model.index(1, 0))
    with qtbot.waitSignal(tab.credit_note_opened) as opened:
        qtbot.keyClick(table, Key.Key_Return)
    assert opened.args == ["CN-T01-00004"]
    menu = tab.row_menu(1)
    actions = {a.text(): a for a in menu.actions() if a.text()}
    assert list(actions)[:4] == [
        "View Details",
        "Print Credit Note",
        "View Credit Note",
        "Download",
    ]
    pending = {a.text(): a.isEnabled() for a in tab.row_menu(0).actions() if a.text()}
    assert pending["Download"] is False  # a note waiting for approval is not handed out
    target = tmp_path / "CN-T01-00004.pdf"
    tab.files.choose_pdf_path = lambda suggested: target
    actions["Download"].trigger()
    qtbot.waitUntil(target.exists, timeout=10_000)
    assert target.read_bytes().startswith(b"%PDF")
    qtbot.waitUntil(lambda: toast_text(tab) == f"Saved CN-T01-00004.pdf to {tmp_path}.")


# -- Credit note details ---------------------------------------------------------------------
def open_details(qtbot, context: ClientContext, number: str) -> CreditNoteDetailsDialog:
    dialog = CreditNoteDetailsDialog(context, number)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.loaded is not None)
    return dialog


def test_details_show_usage_and_apply_credit_to_a_bill(qtbot, db, cashier, tmp_path) -> None:
    receipt = pay(db, "INV-2025-001234", "145.50")
    number = credit(db, receipt, "45.50")
    apply_credit_note(db.unit_of_work(), number=number, to="SC-2025-000087", amount="15")
    dialog = open_details(qtbot, cashier, number)
    assert dialog.status_badge.text() == "Active"
    assert dialog.consumer.text() == "John Doe · WU-10001"
    figures = {k: v.text() for k, v in dialog.figures.items()}
    assert figures == {
        "original": "$45.50",
        "applied": "$15.00",
        "remaining": "$30.50",
        "usage": "33.0%",
    }
    assert (dialog.info["expires"].text(), dialog.info["created_by"].text()) == (
        "Apr 20, 2026",
        "Jane Smith",
    )
    assert dialog.reason_badge.text() == "Billing Error"
    assert dialog.history.rowCount() == 1
    assert dialog.history.item(0, 1).text() == "SC-2025-000087"

    box = dialog.apply_box
    assert box.isVisible()
    targets = [box.target.itemText(i) for i in range(box.target.count())]
    assert targets == [  # oldest due first
        "SC-2025-000087 · Late Fee · $10.00 due",
        "SC-2025-000101 · Reconnection Fee · $75.00 due",
        "INV-2025-001567 · Apr 2025 · $152.25 due",
    ]
    assert box.amount.text() == "10.00"  # the most this item can take
    box.target.setCurrentIndex(2)
    assert box.amount.text() == "30.50"  # all that remains
    box.amount.setText("31")
    assert box.error.text() == "Only $30.50 remains to apply." and not box.button.isEnabled()
    box.amount.setText("20.50")
    box.button.click()
    qtbot.waitUntil(lambda: dialog.figures["usage"].text() == "78.0%")
    assert dialog.figures["remaining"].text() == "$10.00"
    assert dialog.history.rowCount() == 2
    assert toast_text(dialog) == "Applied $20.50 to INV-2025-001567."
    assert box.target.currentIndex() == 0 and box.amount.text() == "10.00"
    qtbot.keyClick(box.amount, Key.Key_Return)  # Enter applies the rest to the fee
    qtbot.waitUntil(lambda: dialog.status_badge.text() == "Applied")
    assert dialog.figures["usage"].text() == "100.0%"
    assert not box.isVisible()

    target, opened = tmp_path / "note.pdf", []
    dialog.files.choose_pdf_path = lambda suggested: target
    dialog.files.open_pdf = lambda path: opened.append(path) or True
    dialog.pdf_button.click()
    qtbot.waitUntil(target.exists, timeout=10_000)
    dialog.print_button.click()
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=10_000)
    assert opened[0].read_bytes().startswith(b"%PDF")
    qtbot.keyClick(dialog, Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_linked_payment_opens_the_payment_and_steps_aside(qtbot, db, cashier) -> None:
    receipt = pay(db, "INV-2025-001234", "145.50")
    dialog = open_details(qtbot, cashier, credit(db, receipt, "10.00"))
    assert dialog.payment_link.text() == receipt
    with qtbot.waitSignal(dialog.payment_opened) as payment:
        dialog.payment_link.click()
    assert payment.args == [receipt]
    assert not dialog.isVisible()


def test_approval_flow_for_a_note_above_the_approval_amount(qtbot, db, cashier, sign_in_as) -> None:
    first = credit(db, pay(db, "INV-2025-001234", "145.50"), "120.00")
    second = credit(db, pay(db, "INV-2025-001567", "152.25"), "150.00")

    as_cashier = open_details(qtbot, cashier, first)
    assert as_cashier.status_badge.text() == "Pending Approval"
    assert as_cashier.approval.isVisible() and not as_cashier.decide_row.isVisible()
    assert "It cannot be used yet." in as_cashier.approval_text.text()
    assert not as_cashier.apply_box.isVisible()
    assert not as_cashier.print_button.isEnabled()

    manager = sign_in_as("mbrown")
    screen = ApprovalsScreen(manager)
    qtbot.addWidget(screen)
    screen.show()
    with qtbot.waitSignal(screen.model.modelReset):
        screen.refresh()
    rows = [screen.model.row_at(r) for r in range(screen.model.rowCount())]
    assert [(r.number, r.amount_minor, r.created_by) for r in rows] == [
        (first, 12000, "Jane Smith"),
        (second, 15000, "Jane Smith"),
    ]
    assert screen.count.text() == "2 waiting"
    assert not screen.reject_button.isEnabled()  # a rejection needs its reason
    screen.approve_button.click()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1)
    assert screen.toast.message == f"Credit note {first} approved."
    assert credit_note_details(db.read(), first).note.status == "Active"

    as_manager = open_details(qtbot, manager, second)
    assert as_manager.decide_row.isVisible()
    qtbot.keyClicks(as_manager.reject_reason, "Refund goes through the bank")
    qtbot.keyClick(as_manager.reject_reason, Key.Key_Return)
    qtbot.waitUntil(lambda: as_manager.status_badge.text() == "Rejected")
    assert as_manager.info["decision"].text().startswith("Rejected by Michael Brown")
    assert as_manager.info["decision"].text().endswith(": Refund goes through the bank")
    assert not as_manager.approval.isVisible()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 0)  # the queue follows hub.changed
    assert screen.empty.isVisible()

    as_cashier.reload()
    qtbot.waitUntil(lambda: as_cashier.status_badge.text() == "Active")
    assert as_cashier.apply_box.isVisible()
