"""`tilldesk receipt`, `credit-notes print`, `printers`, `print-test`, `print-queue` end to end."""

import io
import json
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.e2e.cli import run, snapshot

CUT = b"\x1dV"  # GS V
RECEIPT = "R-T07-0001"
PAY = ("pay", "--user", "jsmith", "--account", "WU-10001", "--type", "bill", "--item")


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


@pytest.fixture(scope="module")
def paid_counter(cli_counter_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample counter (T07) after John Doe's cash payment of $145.50, made once."""
    db = tmp_path_factory.mktemp("print") / "paid.sqlite"
    shutil.copyfile(cli_counter_template, db)
    run(db, *PAY, "INV-2025-001234", "--method", "Cash", "--amount", "145.50", "--tendered", "150")
    return snapshot(db, db.with_name("template.sqlite"))


@pytest.fixture
def counter(paid_counter: Path, tmp_path: Path) -> Path:
    db = tmp_path / "print.sqlite"
    shutil.copyfile(paid_counter, db)
    return db


def test_a_receipt_is_saved_as_a_pdf_with_searchable_text(counter: Path, tmp_path: Path):
    pdf = tmp_path / "receipt.pdf"
    out = run(counter, "receipt", RECEIPT, "--pdf", str(pdf), "--page", "Letter")
    assert f"Saved {RECEIPT} as PDF (Letter)" in out.stdout
    text = pdf_text(pdf)
    assert RECEIPT in text and "PAYMENT RECEIPT" in text and "John Doe" in text


def test_a_receipt_is_saved_as_escpos_bytes_with_its_number_and_a_cut(counter: Path, tmp_path):
    job = tmp_path / "receipt.bin"
    run(counter, "receipt", RECEIPT, "--escpos", str(job), "--width", "58")
    data = job.read_bytes()
    assert RECEIPT.encode() in data and CUT in data
    assert b"\x1bp" not in data  # a saved file never opens the cash drawer


def test_a_credit_note_is_saved_as_pdf_and_escpos(counter: Path, tmp_path: Path):
    created = run(counter, "credit-notes", "create", "--receipt", RECEIPT, "--amount", "10",
                  "--reason", "Billing Adjustment", "--user", "mbrown", "--json")  # fmt: skip
    number = json.loads(created.stdout)["number"]
    pdf, job = tmp_path / "cn.pdf", tmp_path / "cn.bin"
    run(counter, "credit-notes", "print", number, "--pdf", str(pdf), "--escpos", str(job))
    text = pdf_text(pdf)
    assert number in text and "CREDIT NOTE" in text and RECEIPT in text
    assert number.encode() in job.read_bytes() and CUT in job.read_bytes()


def test_a_file_printer_prints_the_queued_original_then_marked_copies(counter: Path, tmp_path):
    device = tmp_path / "lp0"
    added = run(counter, "printers", "add", "Counter", "--kind", "file", "--address",
                str(device), "--auto-print", "receipt", "--json")  # fmt: skip
    assert json.loads(added.stdout)["auto_print"] == ["receipt"]
    run(counter, *PAY, "INV-2025-001567", "--method", "Credit Card", "--amount", "152.25")

    status = json.loads(run(counter, "print-queue", "status", "--json").stdout)
    assert [(j["reference"], j["state"]) for j in status["jobs"]] == [("R-T07-0002", "queued")]
    assert (
        "Printed Receipt R-T07-0002 on 'Counter'."
        in run(counter, "print-queue", "run", "--once").stdout
    )
    reprint = run(counter, "receipt", "R-T07-0002", "--print")
    assert "Printed Receipt R-T07-0002 (copy 1)" in reprint.stdout
    assert "Printed Test page" in run(counter, "print-test").stdout

    printed = device.read_bytes()
    assert printed.count(b"R-T07-0002") >= 2 and printed.count(CUT) == 3
    assert b"COPY - reprint 1" in printed
    assert json.loads(run(counter, "print-queue", "status", "--json").stdout)["jobs"] == []


def test_a_print_to_a_printer_that_is_away_waits_and_says_why(counter: Path, tmp_path: Path):
    run(counter, "printers", "add", "Counter", "--kind", "file", "--address",
        str(tmp_path / "no-such-folder" / "lp0"))  # fmt: skip
    result = run(counter, "receipt", RECEIPT, "--print", check=False)
    assert result.returncode == 1
    assert "is waiting: The printer at" in result.stdout and "cannot be written" in result.stdout
    status = run(counter, "print-queue", "status").stdout
    assert status.startswith("Printer waiting, 1 print job")


def test_wrong_printer_settings_and_missing_options_exit_with_the_reason(counter: Path):
    refused = run(counter, "printers", "add", "Counter", "--kind", "network", "--address",
                  "10.0.0.5:70000", check=False)  # fmt: skip
    assert refused.returncode == 3
    assert "Port '70000' is not a port number" in refused.stderr
    nothing = run(counter, "receipt", RECEIPT, check=False)
    assert nothing.returncode == 3 and "--pdf FILE, --escpos FILE or --print" in nothing.stderr
    unknown = run(counter, "receipt", "R-T07-9999", "--pdf", "x.pdf", check=False)
    assert unknown.returncode == 3 and "No payment with receipt" in unknown.stderr
