"""Export… beside the payments and credit-notes lists writes what the filters show."""

import csv
from pathlib import Path

from PySide6.QtWidgets import QComboBox

from app.services.record_payment import PaymentRequest, record_payment
from ui.screens.credit_notes_tab import CreditNotesTab
from ui.screens.landing import LandingScreen


def pay(context, item: str, amount: str, method: str) -> None:
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type="Bill",
        items=(item,),
        method=method,
        amount=amount,
        username="jsmith",
    )
    record_payment(context.counter.write(), request)


def rows_of(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


def test_the_payments_list_exports_the_rows_its_filters_match(qtbot, context, tmp_path):
    pay(context, "INV-2025-001234", "145.50", "Cash")
    pay(context, "INV-2025-001567", "152.25", "Credit Card")
    screen = LandingScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    method: QComboBox = screen.method
    method.setCurrentIndex(method.findData("Cash"))
    target = tmp_path / "cash.csv"
    screen.export_button.choose_path = lambda _parent, _what: target

    with qtbot.waitSignal(screen.export_button.exported, timeout=10_000) as done:
        screen.export_button.click()

    assert done.args == [target, 1]
    assert [(r["Receipt No."], r["Amount"], r["Method"]) for r in rows_of(target)] == [
        ("R-T01-0001", "145.50", "Cash")
    ]


def test_the_credit_notes_list_exports_as_a_workbook(qtbot, context, tmp_path):
    pay(context, "INV-2025-001234", "150.00", "Cash")  # 4.50 over: a credit note
    tab = CreditNotesTab(context)
    qtbot.addWidget(tab)
    target = tmp_path / "notes.xlsx"
    tab.export_button.choose_path = lambda _parent, _what: target

    with qtbot.waitSignal(tab.export_button.exported, timeout=10_000) as done:
        tab.export_button.click()

    assert done.args == [target, 1]
    assert target.read_bytes()[:2] == b"PK"  # a zip: the xlsx container


def test_a_cancelled_file_dialog_exports_nothing(qtbot, context):
    screen = LandingScreen(context)
    qtbot.addWidget(screen)
    screen.export_button.choose_path = lambda _parent, _what: None

    with qtbot.assertNotEmitted(screen.export_button.exported):
        screen.export_button.click()

    assert screen.export_button.isEnabled()  # ready for the next try
