"""The shift (Z) report from a real closed shift: its figures, on paper, as PDF, in the queue."""

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from app.db.database import Database
from app.db.tables import AuditEvent, OutboxRecord, PrintJob
from app.domain.document_json import document_from_json
from app.domain.documents import ShiftReportDocument
from app.domain.errors import UserFacingError
from app.services.printers import add_printer
from app.services.record_payment import PaymentRequest, record_payment
from app.services.shift_close import CloseRequest, close_shift
from app.services.shift_report import (
    print_shift_report,
    shift_report_document,
    shift_report_for_download,
)
from app.services.shifts import cash_in, cash_out, open_shift
from printing.escpos_render import render
from printing.pdf_render import render_pdf
from printing.profiles import profile_for
from tests.unit.printing.escpos_decoder import decode


def a_days_work(db: Database) -> None:
    """$200 float, $20 in, $50 out, a cash and a card payment; counted $3.00 short in cash."""
    cash_in(db.unit_of_work(), amount="20.00", reason="Coins from the safe", username="jsmith")
    for item, method, amount in (
        ("INV-2025-001234", "Cash", "145.50"),
        ("INV-2025-001567", "Credit Card", "152.25"),
    ):
        request = PaymentRequest(
            account_number="WU-10001",
            payment_type="Bill",
            items=(item,),
            method=method,
            amount=amount,
            username="jsmith",
        )
        record_payment(db.unit_of_work(), request)
    cash_out(db.unit_of_work(), amount="50.00", reason="Bank drop", username="jsmith")
    with db.unit_of_work() as uow:  # the payments reached the server
        uow.session.execute(update(OutboxRecord).values(state="sent"))
        uow.commit()
    # expected cash: 200 + 145.50 + 20 - 50 = $315.50; counted $312.50, $3.00 short
    counted = {10000: 3, 1000: 1, 200: 1, 25: 2}
    close_shift(
        db.unit_of_work(),
        CloseRequest(cash_counts=counted, totals={"card": "152.25"}, username="jsmith"),
    )


def rows_of(report: ShiftReportDocument) -> dict[tuple[str, str], tuple[str, str | None]]:
    return {(s.title, r.label): (r.value, r.detail) for s in report.sections for r in s.rows}


def pdf_words(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


def test_the_z_report_shows_every_figure_of_the_shift(db):
    a_days_work(db)
    report = shift_report_document(db.read())
    rows = rows_of(report)
    assert report.title == "SHIFT REPORT (Z)" and report.number == "SH-T01-0001"
    assert rows[("Shift", "Cashier")] == ("Jane Smith", None)
    assert rows[("Cash drawer", "Opening float")][0] == "$200.00"
    assert rows[("Cash drawer", "Cash payments")][0] == "$145.50"
    assert rows[("Cash drawer", "Cash in")][0] == "$20.00"
    assert rows[("Cash drawer", "Cash out")][0] == "-$50.00"
    assert rows[("Cash drawer", "Expected cash")][0] == "$315.50"
    assert rows[("Cash drawer", "Counted cash")][0] == "$312.50"
    assert rows[("Cash drawer", "Cash difference")][0] == "-$3.00"
    assert rows[("Payments by method", "Cash")] == ("$145.50", "1 payment")
    assert rows[("Payments by method", "Credit Card")] == ("$152.25", "1 payment")
    assert rows[("Payments by method", "Payments")][0] == "2"
    assert rows[("Payments by method", "Total taken")][0] == "$297.75"
    assert rows[("Cash in and out", "Cash out")] == ("-$50.00", "10:00 AM Bank drop (Jane Smith)")
    assert rows[("Cash count", "$100 x 3")][0] == "$300.00"
    assert rows[("Expected and counted", "Card")] == (
        "$0.00",
        "Expected $152.25, counted $152.25",
    )
    assert rows[("Expected and counted", "Difference")][0] == "-$3.00"
    assert ("Expected and counted", "Cheque") not in rows  # nothing taken, nothing counted
    assert report.difference_minor == -300 and report.opening_float_minor == 20000


def test_the_z_report_pdf_reads_the_same_figures(db):
    a_days_work(db)
    report = shift_report_for_download(db.unit_of_work(), file_format="pdf", username="jsmith")
    text = pdf_words(render_pdf(report, "A4"))
    for expected in (
        "SHIFT REPORT (Z)",
        "SH-T01-0001",
        "Opening float $200.00",
        "Expected cash $315.50",
        "Counted cash $312.50",
        "Cash difference -$3.00",
        "Credit Card $152.25",
        "Payments 2",
    ):
        assert expected in text
    with db.read() as uow:
        downloads = uow.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "shift_report.downloaded")
        ).all()
    assert downloads == ["shift_report.downloaded"]


def test_the_z_report_fits_a_58_mm_printer(db):
    a_days_work(db)
    report = shift_report_document(db.read())
    out = decode(render(report, profile_for(58, "CP437")))
    assert all(line.columns <= 32 for line in out.lines)
    assert any(t.startswith("Expected cash") and t.endswith("$315.50") for t in out.texts)
    assert out.of_kind("drawer") == []


def test_closing_queues_the_z_report_on_the_counters_printer(db, tmp_path):
    add_printer(db.unit_of_work(), name="Counter", kind="file", address=str(tmp_path / "p.bin"))
    a_days_work(db)
    with db.read() as uow:
        (job,) = uow.session.scalars(select(PrintJob).where(PrintJob.kind == "shift_report"))
        queued = document_from_json(job.document_json)
        assert (job.reference, job.copy_number, job.state) == ("SH-T01-0001", 0, "queued")
    assert isinstance(queued, ShiftReportDocument) and queued.difference_minor == -300

    again = print_shift_report(db.unit_of_work(), username="jsmith")
    assert again.copy_number == 1 and again.reference == "SH-T01-0001"


def test_no_job_is_queued_when_the_counter_has_no_printer(db):
    a_days_work(db)
    with db.read() as uow:
        assert uow.session.scalars(select(PrintJob)).all() == []
    with pytest.raises(UserFacingError, match="no printer set up"):
        print_shift_report(db.unit_of_work(), username="jsmith")


def test_an_open_shift_has_no_z_report_yet(db):
    with pytest.raises(UserFacingError, match="SH-T01-0001 is still open"):
        shift_report_document(db.read(), "sh-t01-0001")
    with pytest.raises(UserFacingError, match=r"^No closed shift yet\.$"):
        shift_report_document(db.read())


def test_without_a_number_the_report_is_of_the_latest_closed_shift(db):
    a_days_work(db)
    open_shift(db.unit_of_work(), opening_float="80", username="jsmith")
    assert shift_report_document(db.read()).number == "SH-T01-0001"
