"""What the client's screens need from printing, installed by the composition root.

`tilldesk client` (cli/commands/client.py) installs cli/wiring/printing.py here before the window
opens; the screens never import the renderers' wiring themselves, and the command line never
imports the client's modules to print.
"""

from pathlib import Path
from typing import Protocol

from app.services.print_queue import PrintJobView
from app.services.print_worker import QueueRun
from app.services.runtime import Counter


class Printing(Protocol):
    """cli/wiring/printing.py, seen from the screens (a module satisfies it)."""

    def run_print_queue(self, counter: Counter, *, max_jobs: int | None = None) -> QueueRun: ...

    def print_receipt_now(
        self,
        counter: Counter,
        receipt: str,
        *,
        username: str | None = None,
        printer: str | None = None,
    ) -> PrintJobView: ...

    def print_test_page_now(
        self, counter: Counter, *, printer: str | None = None, username: str | None = None
    ) -> PrintJobView: ...

    def print_shift_report_now(
        self, counter: Counter, number: str, *, username: str | None = None
    ) -> PrintJobView: ...

    def receipt_pdf(
        self, counter: Counter, receipt: str, *, page: str = "A4", username: str | None = None
    ) -> bytes: ...

    def shift_report_pdf(
        self,
        counter: Counter,
        number: str | None,
        *,
        page: str = "A4",
        username: str | None = None,
    ) -> tuple[str, bytes]: ...

    def credit_note_pdf(
        self, counter: Counter, number: str, *, page: str = "A4", username: str | None = None
    ) -> bytes: ...

    def save_file(self, data: bytes, path: Path) -> Path: ...


_installed: list[Printing] = []


def install(printing: Printing) -> None:
    """Called once by the composition root (and by the UI tests' conftest)."""
    _installed[:] = [printing]


def printing() -> Printing:
    if not _installed:
        raise RuntimeError("No printing is installed: start the client with `tilldesk client`.")
    return _installed[0]
