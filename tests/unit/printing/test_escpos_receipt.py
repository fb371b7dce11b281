"""The thermal receipt as a printer receives it: decoded back into lines, codes, cut and drawer."""

import re
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from app.domain.documents import (
    CashMovement,
    DenominationCount,
    MethodReconciliation,
    Row,
    Section,
    ShiftReportDocument,
    code_matches,
    verification_code,
)
from app.domain.payments import Analysis
from app.domain.settings import Settings
from app.services.documents import compose_receipt
from app.services.payment_details import CreditNoteLink, PaidItem, PaymentDetails
from printing.escpos_render import render
from printing.profiles import PAPER_58, PAPER_80, ThermalProfile
from printing.thermal_layout import TextLine, layout
from tests.unit.printing.escpos_decoder import Decoded, decode

PAYMENT_ID = uuid.UUID("01966a2e-8f00-7000-8000-000000000001")
AT = datetime(2025, 4, 20, 14, 0, tzinfo=UTC)  # 10:00 in New York


def spec_payment(**changes: object) -> PaymentDetails:
    """The spec's cash payment: John Doe pays INV-2025-001234 ($145.50) with $150.00."""
    details = PaymentDetails(
        payment_id=PAYMENT_ID,
        payment_number="PAY-2025-004521",
        status="Posted",
        settlement_status="N/A",
        amount_minor=14550,
        currency="USD",
        method="Cash",
        method_kind="cash",
        payment_type="Bill",
        channel="Walk-in",
        notes="Customer paid in full",
        items=(PaidItem("bill", "INV-2025-001234", "Mar 2025", date(2025, 3, 31), 14550, 14550),),
        outstanding_minor=14550,
        difference_minor=0,
        analysis=Analysis.EXACT,
        credit_notes=(),
        is_cash=True,
        tendered_minor=15000,
        change_minor=450,
        transaction_number="TXN-2025-008934",
        receipt_number="R-T01-0001",
        payment_date=date(2025, 4, 20),
        recorded_at=AT,
        terminal_code="T01",
        received_by="Jane Smith",
        processing_time="Immediate",
        verification="Verified",
        consumer_name="John Doe",
        account_number="WU-10001",
        service_address="123 Main Street, Cityville",
        phone="(555) 123-4567",
        email=None,
    )
    return replace(details, **changes)


def receipt(
    details: PaymentDetails | None = None,
    *,
    settings: Settings | None = None,
    reprint: int = 0,
    provisional: bool = False,
):
    return compose_receipt(
        details or spec_payment(),
        settings=settings or Settings(),
        balance_minor=10025,
        credit_available_minor=0,
        provisional=provisional,
        printed_at=AT,
        reprint=reprint,
    )


def printed(doc, profile: ThermalProfile = PAPER_80) -> Decoded:
    return decode(render(doc, profile))


def line_with(decoded: Decoded, start: str) -> str:
    matches = [t for t in decoded.texts if t.startswith(start)]
    assert matches, f"no line starts with {start!r}: {decoded.texts}"
    return matches[0]


def test_the_spec_cash_receipt_prints_every_field():
    out = printed(receipt())

    assert "PAYMENT RECEIPT" in out.texts
    expected_rows = {
        "Receipt No.": "R-T01-0001",
        "Payment ID": "PAY-2025-004521",
        "Transaction ID": "TXN-2025-008934",
        "Date": "Apr 20, 2025",
        "Time": "10:00 AM",
        "Terminal": "T01",
        "Cashier": "Jane Smith",
        "Name": "John Doe",
        "Account No.": "WU-10001",
        "Service address": "123 Main Street, Cityville",
        "Phone": "(555) 123-4567",
        "Processing time": "Immediate",
        "Verification": "Verified",
        "INV-2025-001234": "$145.50",
        "Total paid": "$145.50",
        "Method": "Cash",
        "Channel": "Walk-in",
        "Amount received": "$150.00",
        "Change": "$4.50",
        "Balance after payment": "$100.25",
    }
    for label, value in expected_rows.items():
        line = line_with(out, label)
        assert line.endswith(value), (label, line)
        assert len(line) == 48, line
    assert "  Billing period Mar 2025" in out.texts
    assert "Customer paid in full" in out.texts
    assert "Tilldesk Utility Service Center" in out.texts
    assert "Thank you for your payment." in out.texts


def test_the_title_prints_large_and_centered_within_the_roll():
    out = printed(receipt(), PAPER_58)

    title = next(line for line in out.lines if line.text == "PAYMENT RECEIPT")
    assert (title.align, title.bold, title.width, title.height) == ("center", True, 2, 2)
    assert title.columns <= 32


@pytest.mark.parametrize("profile", [PAPER_58, PAPER_80], ids=["58mm", "80mm"])
def test_every_line_fits_the_roll_and_amounts_end_at_its_right_edge(profile):
    long_notes = "Customer paid in full at the counter and asked for a copy by e-mail as well " * 2
    details = spec_payment(
        notes=long_notes.strip(),
        service_address="Flat 12B, 4567 Extraordinarily Long Boulevard Name, Cityville 12345",
        consumer_name="Maximiliana Wolfeschlegelsteinhausen-Bergerdorff",
    )
    out = printed(receipt(details), profile)

    assert all(line.columns <= profile.columns for line in out.lines), [
        t for t in out.texts if len(t) > profile.columns
    ]
    amount_lines = [t for t in out.texts if re.search(r"\$[\d,]+\.\d\d$", t)]
    assert len(amount_lines) >= 5
    assert all(len(t) == profile.columns for t in amount_lines), amount_lines
    two_column = [t for t in out.texts if re.search(r"\S {2,}\S", t.strip())]
    assert all(len(t) == profile.columns for t in two_column), two_column


def test_the_58mm_roll_puts_a_long_value_right_aligned_under_its_label():
    out = printed(receipt(spec_payment(transaction_number="TXN-2025-T01-000001")), PAPER_58)

    index = out.texts.index("Transaction ID")
    assert out.texts[index + 1] == "TXN-2025-T01-000001".rjust(32)


def test_the_job_ends_with_a_cut_and_opens_the_drawer_for_cash():
    out = printed(receipt())

    cuts = out.of_kind("cut")
    assert len(cuts) == 1
    assert all(not t.strip() for t in out.texts[cuts[0].after_line - 6 :])  # fed clear first
    assert [e.value["pin"] for e in out.of_kind("drawer")] == [2]
    assert out.events[-1].kind == "drawer"


def test_a_card_payment_does_not_open_the_drawer():
    card = spec_payment(
        method="Credit Card",
        method_kind="card",
        is_cash=False,
        tendered_minor=14550,
        change_minor=0,
    )
    out = printed(receipt(card))

    assert out.of_kind("drawer") == []
    assert len(out.of_kind("cut")) == 1
    assert not any(t.startswith(("Amount received", "Change")) for t in out.texts)
    assert line_with(out, "Method").endswith("Credit Card")


def test_a_reprint_says_copy_with_its_count_and_keeps_the_drawer_shut():
    out = printed(receipt(reprint=2))

    copy = next(line for line in out.lines if "COPY" in line.text)
    assert copy.text == "*** COPY - reprint 2 ***"
    assert copy.bold and copy.align == "center"
    assert out.texts.index(copy.text) < out.texts.index(line_with(out, "Receipt No."))
    assert out.of_kind("drawer") == []
    assert line_with(out, "Current balance").endswith("$100.25")
    assert line_with(out, "Reprinted").startswith("Reprinted Apr 20, 2025 10:00 AM")


def test_a_payment_dated_earlier_shows_when_it_was_recorded():
    out = printed(receipt(spec_payment(payment_date=date(2025, 4, 18))))

    assert line_with(out, "Date").endswith("Apr 18, 2025")
    assert line_with(out, "Recorded").endswith("Apr 20, 2025 10:00 AM")
    assert not any(t.startswith("Time") for t in out.texts)


def test_the_original_print_has_no_copy_mark():
    assert not any("COPY" in t for t in printed(receipt()).texts)


def test_a_rupee_receipt_spells_the_sign_out_and_never_prints_a_question_mark():
    settings = Settings(currency="INR", locale="en_IN", timezone="Asia/Kolkata")
    details = spec_payment(currency="INR")
    data = render(receipt(details, settings=settings), PAPER_58)
    out = decode(data)

    assert b"?" not in data
    assert line_with(out, "Amount received").endswith("Rs. 150.00")
    assert line_with(out, "Change").endswith("Rs. 4.50")
    assert line_with(out, "Time").endswith("7:30 pm")
    assert all(line.columns <= 32 for line in out.lines)


def test_a_code_page_with_the_euro_prints_the_sign_itself():
    settings = Settings(currency="EUR", locale="de_DE", timezone="Europe/Berlin")
    doc = receipt(spec_payment(currency="EUR"), settings=settings)

    on_858 = printed(doc, PAPER_80.with_code_page("CP858"))
    on_437 = printed(doc, PAPER_80)

    assert [e.value for e in on_858.of_kind("code_page")] == [19]
    assert line_with(on_858, "Amount received").endswith("150,00 €")
    assert line_with(on_437, "Amount received").endswith("150,00 EUR")


def test_a_name_outside_the_code_page_prints_as_an_image_not_question_marks():
    out = printed(receipt(spec_payment(consumer_name="Иван Петров")), PAPER_58)

    assert not any("?" in t for t in out.texts)
    images = out.of_kind("image")
    assert len(images) == 1
    assert images[0].value["width"] == 384
    assert any(bit for bit in images[0].value["bits"])  # something is drawn
    assert not any(t.startswith("Name") for t in out.texts)  # the line went as the image


def test_accented_latin_names_print_as_text():
    out = printed(receipt(spec_payment(consumer_name="José Łukasiewicz")))

    assert line_with(out, "Name").endswith("José Lukasiewicz")
    assert out.of_kind("image") == []


def test_the_qr_code_carries_the_receipt_number_and_verification_code():
    doc = receipt()
    out = printed(doc)

    code = verification_code(PAYMENT_ID, "R-T01-0001", 14550)
    assert [e.value for e in out.of_kind("qr")] == [f"TILLDESK:R-T01-0001:{code}"]
    assert [e.value["data"] for e in out.of_kind("barcode")] == ["R-T01-0001"]
    assert f"Verification code {code}" in out.texts
    assert code_matches(code.lower(), PAYMENT_ID, "R-T01-0001", 14550)
    assert not code_matches(code, PAYMENT_ID, "R-T01-0001", 14551)


def test_a_printer_without_native_qr_gets_the_code_as_an_image():
    out = printed(receipt(), replace(PAPER_58, native_qr=False))

    assert out.of_kind("qr") == []
    (image,) = out.of_kind("image")
    assert image.value["width"] <= 384


def test_a_credit_note_from_an_overpayment_is_on_the_receipt():
    details = spec_payment(
        amount_minor=15000,
        tendered_minor=15000,
        change_minor=0,
        difference_minor=450,
        analysis=Analysis.OVER,
        credit_notes=(CreditNoteLink("CN-T01-00001", 450, "Overpayment", "Active"),),
    )
    out = printed(receipt(details))

    assert "CREDIT NOTE ISSUED" in out.texts
    assert line_with(out, "CN-T01-00001").endswith("$4.50")
    assert "  Overpayment" in out.texts


def test_a_provisional_balance_is_marked_and_explained():
    out = printed(receipt(provisional=True), PAPER_58)

    assert line_with(out, "Balance after payment").endswith("$100.25 *")
    assert any(t.startswith("* Provisional balance") for t in out.texts)


def test_the_printer_gets_exactly_the_lines_the_preview_draws():
    doc = receipt(reprint=1)
    for profile in (PAPER_58, PAPER_80):
        drawn = [b.text for b in layout(doc, profile) if isinstance(b, TextLine)]
        printed_text = [t for t in printed(doc, profile).texts if t.strip()]
        assert printed_text == [t for t in drawn if t.strip()]


def test_a_shift_report_uses_the_same_renderer():
    report = ShiftReportDocument(
        title="SHIFT REPORT (Z)",
        number="SH-T01-0001",
        header=("Tilldesk Utility Service Center",),
        sections=(
            Section("Cash", (Row("Opening float", "$200.00"), Row("Expected", "$345.50"))),
            Section("Counted", (Row("Cash", "$345.00"), Row("Difference", "-$0.50", strong=True))),
        ),
        shift_number="SH-T01-0001",
        terminal_code="T01",
        cashier="Jane Smith",
        opened_at=AT,
        closed_at=AT,
        currency="USD",
        opening_float_minor=20000,
        movements=(CashMovement(AT, -1000, "Bank deposit", "Jane Smith"),),
        denominations=(DenominationCount("$20", 2000, 17),),
        reconciliations=(MethodReconciliation("Cash", 1, 34550, 34500),),
    )
    out = printed(report, PAPER_58)

    assert report.difference_minor == -50
    assert line_with(out, "Difference").endswith("-$0.50")
    assert out.of_kind("drawer") == [] and len(out.of_kind("cut")) == 1
    assert all(line.columns <= 32 for line in out.lines)
