"""The consumer profile: balance, unpaid items, history, credit notes and plans at a glance."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt

from app.services.record_payment import PaymentRequest, record_payment
from tests.support.ui import settle_once as settle
from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.screens.consumer_profile import ConsumerProfileScreen

LEFT = Qt.MouseButton.LeftButton


def request(item: str, kind: str, amount: str, method: str = "Cash") -> PaymentRequest:
    return PaymentRequest(
        account_number="WU-10001",
        payment_type=kind,
        items=(item,),
        method=method,
        amount=amount,
        username="jsmith",
    )


def pay_at_counter(qtbot, screen: ConsumerProfileScreen, payment: PaymentRequest) -> str:
    """Record through the op helper, as the record-payment screen does, so screens hear of it."""
    counter = screen._context.counter
    done: list[str] = []
    ServiceOp(screen, lambda: record_payment(counter.write(), payment)).success(
        lambda recorded: done.append(recorded.receipt_number)
    ).run()
    qtbot.waitUntil(lambda: bool(done))
    return done[0]


def column(table, col: int) -> list[str]:
    model = table.model()
    return [model.index(row, col).data() for row in range(model.rowCount())]


def test_the_fresh_sample_shows_the_account_and_everything_owed(profile) -> None:
    v = profile.values
    assert profile.name.text() == "John Doe"
    assert profile.status_badge.text() == "Active"
    assert v["account"].text() == "WU-10001"
    assert v["address"].text() == "123 Main Street, Cityville"
    assert v["phone"].text() == "(555) 123-4567"
    assert v["email"].text() == "john.doe@example.com"
    assert v["segment"].text() == "Residential"
    assert v["balance"].text() == "$600.25"
    assert not v["provisional"].isVisible()
    assert v["credit"].text() == "$0.00"
    assert profile.tabs.tabText(0) == "Unpaid items (7)"
    assert column(profile.unpaid, 0) == [
        "SC-2025-000087",
        "INV-2025-001234",
        "PP-2025-0034/1",
        "SC-2025-000101",
        "INV-2025-001567",
        "PP-2025-0034/2",
        "PP-2025-0034/3",
    ]
    assert column(profile.unpaid, 6)[1] == "$145.50"


def test_the_plans_tab_lists_every_installment(profile) -> None:
    assert profile.tabs.tabText(3) == "Plans (1)"
    plan = profile.plan_tree.topLevelItem(0)
    assert plan.text(0) == "PP-2025-0034"
    assert plan.text(5) == "Plan active"
    assert plan.text(2) == "$202.50"
    rows = [
        (plan.child(i).text(0), plan.child(i).text(1), plan.child(i).text(2), plan.child(i).text(5))
        for i in range(plan.childCount())
    ]
    assert rows == [
        ("PP-2025-0034/1", "Apr 15, 2025", "$67.50", "Overdue"),
        ("PP-2025-0034/2", "May 15, 2025", "$67.50", "Due"),
        ("PP-2025-0034/3", "Jun 15, 2025", "$67.50", "Due"),
    ]


def test_a_payment_appears_in_the_history_and_lowers_the_balance(qtbot, profile) -> None:
    assert profile.payments.rowCount() == 0
    receipt = pay_at_counter(qtbot, profile, request("INV-2025-001234", "Bill", "145.50"))

    qtbot.waitUntil(lambda: profile.payments.rowCount() == 1)
    assert column(profile.history, 0) == [receipt]
    assert column(profile.history, 2) == ["$145.50"]
    assert column(profile.history, 6) == ["Posted"]
    qtbot.waitUntil(lambda: profile.values["balance"].text() == "$454.75")
    assert profile.values["provisional"].isVisible()
    assert profile.tabs.tabText(0) == "Unpaid items (6)"


def test_an_installment_payment_marks_it_paid_in_the_plans_tab(qtbot, profile) -> None:
    pay_at_counter(qtbot, profile, request("PP-2025-0034/1", "Installment", "67.50"))
    qtbot.waitUntil(lambda: profile.plan_tree.topLevelItem(0).child(0).text(5) == "Paid")
    assert profile.plan_tree.topLevelItem(0).child(0).text(4) == "$0.00"


def test_an_overpayment_shows_its_credit_note_and_the_credit_available(qtbot, profile) -> None:
    pay_at_counter(qtbot, profile, request("INV-2025-001234", "Bill", "160.00", "Credit Card"))
    qtbot.waitUntil(lambda: profile.credit_notes.rowCount() == 1)
    assert profile.tabs.tabText(2) == "Credit notes (1)"
    assert column(profile.credit_table, 2) == ["$14.50"]
    qtbot.waitUntil(lambda: profile.values["credit"].text() == "$14.50")


def test_opening_a_payment_from_the_history(qtbot, profile) -> None:
    receipt = pay_at_counter(qtbot, profile, request("INV-2025-001234", "Bill", "145.50"))
    qtbot.waitUntil(lambda: profile.payments.rowCount() == 1)
    profile.tabs.setCurrentIndex(1)
    with qtbot.waitSignal(profile.payment_opened) as opened:
        profile.history.activated.emit(profile.payments.index(0, 2))
    assert opened.args == [receipt]
    cell = profile.history.visualRect(profile.payments.index(0, 0)).center()
    with qtbot.waitSignal(profile.payment_opened) as clicked:
        qtbot.mouseClick(profile.history.viewport(), LEFT, pos=cell)
    assert clicked.args == [receipt]


def test_record_payment_and_back(qtbot, profile) -> None:
    with qtbot.waitSignal(profile.record_payment_requested) as requested:
        qtbot.mouseClick(profile.record_button, LEFT)
    assert requested.args == ["WU-10001"]
    with qtbot.waitSignal(profile.back_requested):
        qtbot.keyClick(profile.record_button, Qt.Key.Key_Escape)


@pytest.fixture
def hidden_profile(qtbot, context: ClientContext):
    screen = ConsumerProfileScreen(context)
    qtbot.addWidget(screen)
    yield screen
    settle()


def test_an_unknown_account_says_so(qtbot, hidden_profile) -> None:
    screen = hidden_profile
    screen.show_consumer("WU-99999")
    qtbot.waitUntil(lambda: screen.message.text() != "")
    assert "No consumer with account number 'WU-99999'." in screen.message.text()
    assert not screen.record_button.isEnabled()
