"""Where to save a PDF: the save dialog every Download PDF button uses."""

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget


def suggested_pdf_path(number: str) -> Path:
    """The user's Documents folder (home if there is none), named after the document."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder or Path.home()) / f"{number}.pdf"


def ask_pdf_path(parent: QWidget, what: str, suggested: Path) -> Path | None:
    """The chosen path with a .pdf suffix, or None when the cashier cancelled."""
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, f"Save {what} as PDF", str(suggested), "PDF files (*.pdf)"
    )
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")
