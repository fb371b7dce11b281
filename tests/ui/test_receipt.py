"""The receipt screen after the spec's cash sample: what it shows, Print, Download PDF, keys."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from app.services.printers import add_printer
from app.services.record_payment import PaymentRequest, record_payment
from ui.screens.receipt import ReceiptScreen

ESC_INIT = b"\x1b@"


class SavingReceiptScreen(ReceiptScreen):
    """The screen with the save dialog answered by the test."""

    pdf_path: Path | None = None

    def choose_pdf_path(self, suggested: Path) -> Path | None:
        self.suggested = suggested
        return self.pdf_path


@pytest.fixture
def recorded(context):
    """The spec's cash sample: INV-2025-001234 $145.50 paid with $150.00, change $4.50."""
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type="Bill",
        items=("INV-2025-001234",),
        method="Cash",
        amount="145.50",
        tendered="150.00",
        channel="Walk-in",
        username="jsmith",
    )
    return record_payment(context.counter.write(), request)


@pytest.fixture
def screen(qtbot, context, recorded) -> SavingReceiptScreen:
    widget = SavingReceiptScreen(context)
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    widget.show()
    qtbot.waitExposed(widget)
    widget.show_receipt(recorded.receipt_number)
    qtbot.waitUntil(lambda: widget.receipt_text != "")
    return widget


def test_the_receipt_shows_every_detail_of_the_cash_sample(screen):
    text = screen.receipt_text
    for expected in (
        "PAYMENT RECEIPT",
        "R-T01-0001",
        "John Doe",
        "WU-10001",
        "INV-2025-001234",
        "$145.50",
        "$150.00",
        "$4.50",
        "Cash",
        "Walk-in",
        "Jane Smith",
    ):
        assert expected in text, expected
    assert "Amount received" in text and "Change" in text
    assert screen.heading.text() == "Receipt R-T01-0001"
    assert screen.fact_values["received"].text() == "$150.00"
    assert screen.fact_values["change"].text() == "$4.50"
    assert not screen.paper.pixmap().isNull()
    assert screen.paper.pixmap().width() >= 576  # the 80 mm roll at printer resolution


def test_download_pdf_saves_the_receipt(qtbot, screen, tmp_path):
    screen.pdf_path = tmp_path / "R-T01-0001.pdf"
    qtbot.keyClick(screen, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: screen.status.text().startswith("Saved"))
    assert screen.suggested.name == "R-T01-0001.pdf"
    data = screen.pdf_path.read_bytes()
    assert data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "R-T01-0001" in text
    assert "John Doe" in text


def test_cancelling_the_save_dialog_saves_nothing(qtbot, screen, tmp_path):
    screen.pdf_path = None
    screen.pdf_button.click()
    assert screen.status.text() == ""


def add_printer_at(context, kind: str, address: str) -> None:
    add_printer(context.counter.write(), name="Counter", kind=kind, address=address)


def test_print_sends_escpos_for_the_80mm_roll_to_the_printing_port(qtbot, screen, context):
    job = context.counter.database.path.parent / "prints" / "R-T01-0001.bin"
    job.parent.mkdir()
    add_printer_at(context, "file", str(job))  # the port's fake: a file
    qtbot.keyClick(screen, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: screen.status.text().startswith("Sent to printer"), timeout=10_000)
    assert screen.status.text() == "Sent to printer Counter."
    data = job.read_bytes()
    assert data.startswith(ESC_INIT)
    assert b"R-T01-0001" in data
    assert b"$4.50" in data
    assert b"COPY" not in data
    qtbot.keyClick(screen, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "copy 1" in screen.status.text(), timeout=10_000)
    assert b"COPY - reprint 1" in job.read_bytes()


def test_an_unreachable_printer_is_shown_to_the_cashier(qtbot, screen, context):
    add_printer_at(context, "network", "127.0.0.1:9")  # nothing listens on discard
    screen.print_button.click()
    qtbot.waitUntil(lambda: screen.status.property("role") == "error", timeout=15_000)
    assert screen.status.text().startswith("Printer Counter is not ready:")
    assert screen.print_button.isEnabled()


def test_print_without_a_printer_says_how_to_add_one(qtbot, screen):
    screen.print_button.click()
    qtbot.waitUntil(lambda: screen.status.property("role") == "error")
    assert "no printer set up" in screen.status.text()


def test_keys_lead_to_the_next_payment_or_the_dashboard(qtbot, screen):
    with qtbot.waitSignal(screen.record_another, timeout=1000):
        qtbot.keyClick(screen, Qt.Key.Key_N)
    with qtbot.waitSignal(screen.back_to_dashboard, timeout=1000):
        qtbot.keyClick(screen, Qt.Key.Key_Escape)
    screen.dashboard_button.setFocus()
    with qtbot.waitSignal(screen.back_to_dashboard, timeout=1000):
        qtbot.keyClick(screen.dashboard_button, Qt.Key.Key_Return)


def test_an_unknown_receipt_says_so(qtbot, context):
    widget = ReceiptScreen(context)
    qtbot.addWidget(widget)
    widget.show_receipt("R-T01-9999")
    qtbot.waitUntil(lambda: widget.status.text() != "")
    assert "R-T01-9999" in widget.status.text()
    assert not widget.print_button.isEnabled()
