"""Receipts and credit notes built from a real database, rendered to PDF, read back as text."""

import io
import re
from collections.abc import Iterator

import pytest
from pypdf import PdfReader

from app.db.database import Database, open_database
from app.demo.sample_data import load_sample
from app.domain.documents import verification_code
from app.domain.settings import Settings
from app.services.documents import credit_note_document, receipt_document
from app.services.record_payment import PaymentRequest, record_payment
from app.services.setup import initialise
from printing.pdf_render import RECEIPT_WIDTH, render_pdf


def spec_cash_payment(db: Database, **changes: str):
    request = dict(
        account_number="WU-10001",
        payment_type="bill",
        items=("INV-2025-001234",),
        method="Cash",
        amount="145.50",
        tendered="150.00",
        username="jsmith",
        notes="Customer paid in full",
    )
    request.update(changes)
    return record_payment(db.unit_of_work(), PaymentRequest(**request))  # type: ignore[arg-type]


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def font_files(data: bytes) -> dict[str, bool]:
    """Every font the pages use, and whether its program is embedded (FontFile2: TrueType)."""
    found = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            found[str(font["/BaseFont"])] = embedded
    return found


@pytest.mark.parametrize("page", ["A4", "Letter", "receipt"])
def test_the_receipt_pdf_carries_every_field_of_the_payment(db, page):
    recorded = spec_cash_payment(db)
    doc = receipt_document(db.unit_of_work(), recorded.receipt_number)
    text = words(pdf_text(render_pdf(doc, page)))

    code = verification_code(recorded.payment_id, "R-T01-0001", 14550)
    for expected in (
        "Tilldesk Utility Service Center",  # header from settings
        "PAYMENT RECEIPT",
        "R-T01-0001",
        "PAY-2025-T01-000001",
        "TXN-2025-T01-000001",
        "Apr 20, 2025",
        "10:00 AM",  # local time in New York, stored as 14:00 UTC
        "T01",
        "Jane Smith",
        "John Doe",
        "WU-10001",
        "123 Main Street, Cityville",
        "(555) 123-4567",  # the consumer's phone
        "Immediate",  # processing time
        "Verified",
        "Bill payment".upper(),
        "INV-2025-001234",
        "Billing period Mar 2025",
        "$145.50",
        "Cash",
        "Walk-in",
        "Amount received",
        "$150.00",
        "Change",
        "$4.50",
        "Balance after payment",
        "$454.75 *",  # the other bill, services and plan still owed; not yet synced
        "Provisional balance",
        "Customer paid in full",
        f"Verification code {code}",
        "Thank you for your payment.",
    ):
        assert expected in text, f"{expected!r} missing from the {page} PDF:\n{text}"
    assert "COPY" not in text


def test_the_receipt_pdf_embeds_every_font_it_uses(db):
    recorded = spec_cash_payment(db)
    data = render_pdf(receipt_document(db.unit_of_work(), recorded.receipt_number), "A4")

    fonts = font_files(data)
    assert fonts, "no fonts found"
    assert all(fonts.values()), fonts
    assert all("DejaVuSans" in name for name in fonts)


def test_a_receipt_page_is_80mm_wide_and_as_tall_as_its_content(db):
    recorded = spec_cash_payment(db)
    data = render_pdf(receipt_document(db.unit_of_work(), recorded.receipt_number), "receipt")

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(RECEIPT_WIDTH)
    assert 400 < float(box.height) < 900  # points: fitted, not an A4 sheet


@pytest.fixture
def rupee_db(tmp_path, clock) -> Iterator[Database]:
    """A counter in India: rupees, Indian English, Kolkata time."""
    database = open_database(tmp_path / "india.sqlite", clock)
    settings = Settings(currency="INR", locale="en_IN", timezone="Asia/Kolkata")
    initialise(database, terminal_code="T01", admin_secret="0000", settings=settings)
    load_sample(database)
    yield database
    database.close()


def test_a_rupee_receipt_prints_the_rupee_sign(rupee_db):
    recorded = spec_cash_payment(rupee_db)
    doc = receipt_document(rupee_db.unit_of_work(), recorded.receipt_number)
    data = render_pdf(doc, "A4")
    text = words(pdf_text(data))

    for expected in ("₹145.50", "₹150.00", "₹4.50", "20 Apr 2025", "7:30 pm"):
        assert expected in text, f"{expected!r} missing:\n{text}"
    assert all(font_files(data).values())


def test_a_reprint_pdf_says_copy(db):
    recorded = spec_cash_payment(db)
    doc = receipt_document(db.unit_of_work(), recorded.receipt_number, reprint=1)
    text = words(pdf_text(render_pdf(doc, "A4")))

    assert "*** COPY - reprint 1 ***" in text
    assert "Current balance" in text


def test_an_overpayment_receipt_and_its_credit_note_pdf(db):
    recorded = spec_cash_payment(db, amount="150.00", tendered="", notes="")
    assert recorded.credit_note is not None
    assert recorded.credit_note.number == "CN-T01-00001"

    receipt_text = words(
        pdf_text(render_pdf(receipt_document(db.unit_of_work(), recorded.receipt_number)))
    )
    assert "CREDIT NOTE ISSUED" in receipt_text
    assert "CN-T01-00001" in receipt_text

    note = credit_note_document(db.unit_of_work(), "CN-T01-00001")
    data = render_pdf(note, "A4")
    text = words(pdf_text(data))
    code = verification_code(recorded.credit_note.credit_note_id, "CN-T01-00001", 450)
    for expected in (
        "Tilldesk Utility Service Center",
        "CREDIT NOTE",
        "CN-T01-00001",
        "Active",
        "Overpayment",
        "John Doe",
        "WU-10001",
        "Credit amount $4.50",
        "Applied $0.00",
        "Remaining $4.50",
        "Usage 0.0%",
        "Created by Jane Smith",
        "Created Apr 20, 2025 10:00 AM",
        "Expires Apr 20, 2026",
        "Linked receipt R-T01-0001",
        "SYSTEM STAMP",
        "Generated by Tilldesk",
        "Terminal T01",
        "Printed Apr 20, 2025 10:00 AM",
        f"Verification code {code}",
    ):
        assert expected in text, f"{expected!r} missing from the credit note:\n{text}"
    assert all(font_files(data).values())
    assert note.qr_payload == f"TILLDESK:CN-T01-00001:{code}"
    assert note.open_drawer is False
