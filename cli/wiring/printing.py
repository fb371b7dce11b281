"""Printing wired up: real renderers and printer ports for the queue, PDF and ESC/POS downloads.

Part of the composition root: the command line calls these directly, and `tilldesk client`
installs this module as the client's printing (ui/printing_port.py), so the Print and Download
PDF buttons and `tilldesk receipt` run the same code. No Qt here.
"""

import dataclasses
import os
from pathlib import Path

from app.domain.documents import PrintDocument
from app.domain.errors import UserFacingError
from app.domain.printing import (
    FailureKind,
    PrintAttemptFailed,
    PrinterConfig,
    PrinterLink,
)
from app.services.print_exports import credit_note_for_download, receipt_for_download
from app.services.print_queue import (
    PrintJobView,
    job_status,
    print_credit_note,
    print_receipt,
    print_test_page,
)
from app.services.print_worker import QueueRun, process_queue
from app.services.private_files import open_private
from app.services.runtime import Counter
from app.services.shift_report import print_shift_report, shift_report_for_download
from printing.escpos_render import render
from printing.pdf_render import render_pdf
from printing.ports import PaperOut, PrinterError, PrinterOffline, PrinterPort, open_port
from printing.profiles import ThermalProfile, profile_for

PAGES = ("A4", "Letter", "receipt")


def render_for_printer(document: PrintDocument, printer: PrinterConfig) -> bytes:
    """ESC/POS bytes for this printer's paper width and code page."""
    return render(document, profile_for(printer.width_mm, printer.code_page))


class PortLink:
    """A printing port as the queue sees it: its errors told in the queue's terms."""

    def __init__(self, port: PrinterPort) -> None:
        self.port = port

    @property
    def description(self) -> str:
        return self.port.description

    def send(self, data: bytes) -> None:
        try:
            self.port.send(data)
        except PaperOut as error:
            raise _failed(error, FailureKind.PAPER_OUT) from None
        except PrinterOffline as error:
            raise _failed(error, FailureKind.OFFLINE) from None
        except PrinterError as error:
            raise _failed(error, FailureKind.ERROR) from None


def _failed(error: PrinterError, kind: FailureKind) -> PrintAttemptFailed:
    return PrintAttemptFailed(str(error), kind=kind, partial=error.partial)


def open_printer(printer: PrinterConfig) -> PrinterLink:
    try:
        return PortLink(open_port(printer.kind.value, printer.address))
    except ValueError as error:
        raise PrintAttemptFailed(str(error), kind=FailureKind.ERROR) from None


def run_print_queue(counter: Counter, *, max_jobs: int | None = None) -> QueueRun:
    """One pass over the queue. Runs on its own thread in the client: sending can take seconds,
    and only the claim and the mark hold the database, briefly."""
    return process_queue(counter.write, render_for_printer, open_printer, max_jobs=max_jobs)


def _printed_now(counter: Counter, job: PrintJobView) -> PrintJobView:
    run = run_print_queue(counter)
    for tried in reversed(run.jobs):
        if tried.job_id == job.job_id:
            return tried
    return job_status(counter.read(), job.job_id)


def print_receipt_now(
    counter: Counter, receipt: str, *, username: str | None = None, printer: str | None = None
) -> PrintJobView:
    """The Print button: queue the receipt (a COPY after the first print), then print."""
    job = print_receipt(counter.write(), receipt, username=username, printer=printer)
    return _printed_now(counter, job)


def print_credit_note_now(
    counter: Counter, number: str, *, username: str | None = None, printer: str | None = None
) -> PrintJobView:
    job = print_credit_note(counter.write(), number, username=username, printer=printer)
    return _printed_now(counter, job)


def print_test_page_now(
    counter: Counter, *, printer: str | None = None, username: str | None = None
) -> PrintJobView:
    job = print_test_page(counter.write(), printer=printer, username=username)
    return _printed_now(counter, job)


def receipt_pdf(
    counter: Counter, receipt: str, *, page: str = "A4", username: str | None = None
) -> bytes:
    """The Download PDF button: the receipt as on paper, on A4, Letter or a receipt-width page."""
    page = _page(page)
    document = receipt_for_download(counter.write(), receipt, file_format="pdf", username=username)
    return render_pdf(document, page)


def print_shift_report_now(
    counter: Counter, number: str, *, username: str | None = None
) -> PrintJobView:
    """The Z report's Print button: queue it (a COPY after the first print), then print."""
    job = print_shift_report(counter.write(), number, username=username)
    return _printed_now(counter, job)


def shift_report_pdf(
    counter: Counter, number: str | None, *, page: str = "A4", username: str | None = None
) -> tuple[str, bytes]:
    """The Z report as PDF (the latest closed shift's when no number is given): its number and
    the bytes."""
    page = _page(page)
    report = shift_report_for_download(
        counter.write(), number, file_format="pdf", username=username
    )
    return report.number, render_pdf(report, page)


def receipt_escpos(
    counter: Counter,
    receipt: str,
    *,
    width_mm: int = 80,
    code_page: str | None = None,
    username: str | None = None,
) -> bytes:
    profile = _profile(width_mm, code_page)
    document = receipt_for_download(
        counter.write(), receipt, file_format="escpos", username=username
    )
    return render(_without_drawer(document), profile)


def credit_note_pdf(
    counter: Counter, number: str, *, page: str = "A4", username: str | None = None
) -> bytes:
    page = _page(page)
    document = credit_note_for_download(
        counter.write(), number, file_format="pdf", username=username
    )
    return render_pdf(document, page)


def credit_note_escpos(
    counter: Counter,
    number: str,
    *,
    width_mm: int = 80,
    code_page: str | None = None,
    username: str | None = None,
) -> bytes:
    profile = _profile(width_mm, code_page)
    document = credit_note_for_download(
        counter.write(), number, file_format="escpos", username=username
    )
    return render(_without_drawer(document), profile)


def save_file(data: bytes, path: Path) -> Path:
    """Write a download where the user chose, with a message a cashier understands on failure."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    try:  # whole or not at all: a reader (or a crash) never sees half a PDF under the real name
        with open(open_private(partial), "wb") as out:  # 0600, like the counter's own files
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        message = f"The file could not be saved to {path} ({error.strerror})."
        raise UserFacingError(message) from None
    return path


def _without_drawer(document: PrintDocument) -> PrintDocument:
    # A file sent to a printer later is never the moment the cash goes in.
    return dataclasses.replace(document, open_drawer=False)


def _page(page: str) -> str:
    for known in PAGES:
        if page.strip().casefold() == known.casefold():
            return known
    raise UserFacingError(f"Page must be A4, Letter or receipt, not '{page}'.")


def _profile(width_mm: int, code_page: str | None) -> ThermalProfile:
    try:
        return profile_for(int(width_mm), code_page)
    except ValueError as error:
        raise UserFacingError(str(error)) from None
