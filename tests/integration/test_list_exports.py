"""Exporting the payments and credit-notes lists: every matching row, typed, in each format."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from pypdf import PdfReader

from app.db.database import Database
from app.services import list_exports
from app.services.credit_notes_list import CreditNoteQuery
from app.services.list_exports import credit_notes_report, payments_report
from app.services.payments_list import PaymentQuery
from app.services.record_payment import PaymentRequest, record_payment
from printing.table_export import render_csv, render_table_pdf, render_xlsx


def pay(db: Database, item: str, amount: str, method: str = "Cash") -> str:
    kind = "Bill" if item.startswith("INV") else "Service"
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type=kind,
        items=(item,),
        method=method,
        amount=amount,
        username="jsmith",
    )
    return record_payment(db.unit_of_work(), request).receipt_number


@pytest.fixture
def paid(db: Database) -> Database:
    pay(db, "INV-2025-001234", "145.50")
    pay(db, "INV-2025-001567", "152.25", method="Credit Card")
    pay(db, "Late Fee", "30.00")  # $5.00 over: kept as a credit note
    return db


def test_every_payment_is_exported_across_pages(paid: Database, monkeypatch) -> None:
    monkeypatch.setattr(list_exports, "MAX_LIMIT", 2)  # three payments: two pages

    report = payments_report(paid.read, PaymentQuery())

    assert [row[0] for row in report.rows] == ["R-T01-0003", "R-T01-0002", "R-T01-0001"]
    assert report.money_totals == {5: 14550 + 15225 + 3000}
    assert report.filters == "All"


def test_the_csv_has_plain_decimal_amounts_and_iso_dates(paid: Database) -> None:
    report = payments_report(paid.read, PaymentQuery(method="Cash"))

    rows = list(csv.DictReader(io.StringIO(render_csv(report).decode("utf-8-sig"))))

    assert [(r["Receipt No."], r["Amount"], r["Payment date"]) for r in rows] == [
        ("R-T01-0003", "30.00", "2025-04-20"),
        ("R-T01-0001", "145.50", "2025-04-20"),
    ]
    assert report.filters == "Method: Cash"


def test_the_xlsx_keeps_numbers_as_numbers_and_dates_as_dates(paid: Database) -> None:
    report = payments_report(paid.read, PaymentQuery())

    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(report))).active
    header = [cell.value for cell in sheet[3]]
    first = [cell.value for cell in sheet[4]]

    assert sheet["A1"].value == "Payments"
    assert header[:6] == [
        "Receipt No.",
        "Payment date",
        "Recorded",
        "Consumer",
        "Account No.",
        "Amount",
    ]
    assert first[0] == "R-T01-0003"
    assert first[1].date() == date(2025, 4, 20)
    assert Decimal(str(first[5])) == Decimal("30.00")
    assert sheet.cell(row=4, column=6).number_format == "#,##0.00"


def test_the_pdf_lists_the_rows_and_the_total(paid: Database) -> None:
    report = payments_report(paid.read, PaymentQuery())

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_table_pdf(report))).pages)

    for expected in ("Payments", "R-T01-0001", "John Doe", "$145.50", "Total", "$327.75", "3 rows"):
        assert expected in text, expected


def test_credit_notes_export_with_a_status_filter(paid: Database) -> None:
    report = credit_notes_report(paid.read, CreditNoteQuery(status="Active"))

    assert [(row[0], row[4], row[8]) for row in report.rows] == [("CN-T01-00001", 500, "Active")]
    assert report.filters == "Status: Active"
