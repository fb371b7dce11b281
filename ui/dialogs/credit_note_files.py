"""Print and Download PDF of a credit note, shared by the Credit Notes tab and the details."""

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget

from app.domain.credit_notes import CreditNoteStatus
from app.services.runtime import Counter
from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.printing_port import printing
from ui.widgets.pdf_path import ask_pdf_path, suggested_pdf_path

# A note waiting for approval, rejected or cancelled is not credit: nothing to hand a customer.
_NOT_PRINTED = frozenset(
    {CreditNoteStatus.PENDING_APPROVAL, CreditNoteStatus.REJECTED, CreditNoteStatus.CANCELLED}
)


def printable(status: str) -> bool:
    return status not in _NOT_PRINTED


def write_credit_note_pdf(counter: Counter, number: str, path: Path, username: str | None) -> Path:
    """The credit note as a PDF file (audited as a download)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    files = printing()
    return files.save_file(files.credit_note_pdf(counter, number, username=username), path)


class CreditNoteFiles(QObject):
    """Print (open the PDF for printing) and Download PDF, for the tab and the details view."""

    saved = Signal(object)  # Path
    opened = Signal(object)  # Path
    failed = Signal(str)

    def __init__(self, context: ClientContext, parent: QWidget) -> None:
        super().__init__(parent)
        self._context = context
        self._host = parent

    def set_context(self, context: ClientContext) -> None:
        self._context = context

    def choose_pdf_path(self, suggested: Path) -> Path | None:
        """Ask where to save; tests override this to skip the dialog."""
        return ask_pdf_path(self._host, "credit note", suggested)

    def open_pdf(self, path: Path) -> bool:
        """Show the PDF in the system viewer, which previews and prints; tests override this."""
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def preview(self, number: str) -> None:
        path = Path(tempfile.gettempdir()) / "tilldesk" / f"{number}.pdf"
        self._write(number, path, self._opened)

    def download(self, number: str) -> None:
        path = self.choose_pdf_path(suggested_pdf_path(number))
        if path is not None:
            self._write(number, path, self.saved.emit)

    def _write(self, number: str, path: Path, done: Callable[[Path], None]) -> None:
        counter, user = self._context.counter, self._context.username
        ServiceOp(self, lambda: write_credit_note_pdf(counter, number, path, user)).success(
            done
        ).failure(lambda e: self.failed.emit(e.message)).run()

    def _opened(self, path: Path) -> None:
        if self.open_pdf(path):
            self.opened.emit(path)
        else:
            self.failed.emit(f"No PDF viewer could open {path.name}; it is saved in {path.parent}.")
