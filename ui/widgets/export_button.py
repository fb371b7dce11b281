"""Export… beside a list: every row its filters match, as CSV, XLSX or PDF, off the GUI thread."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Signal
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from app.domain.errors import UserFacingError
from app.domain.table_report import TableReport
from printing.table_export import render_table
from ui.ops import ServiceOp
from ui.printing_port import printing

FILTERS = {
    "CSV (*.csv)": "csv",
    "Excel workbook (*.xlsx)": "xlsx",
    "PDF (*.pdf)": "pdf",
}


def ask_export_path(parent: QWidget, what: str) -> Path | None:
    """The chosen file, its suffix following the chosen type; None when cancelled."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    suggested = Path(folder or Path.home()) / f"{what.lower().replace(' ', '-')}.csv"
    chosen, chosen_filter = QFileDialog.getSaveFileName(
        parent, f"Export {what}", str(suggested), ";;".join(FILTERS)
    )
    if not chosen:
        return None
    path = Path(chosen)
    suffix = "." + FILTERS.get(chosen_filter, "csv")
    known = {"." + kind for kind in FILTERS.values()}
    return path if path.suffix.lower() in known else path.with_suffix(suffix)


class ExportButton(QPushButton):
    """Asks where, then builds the report on the read pool and writes the file whole."""

    exported = Signal(object, int)  # path, rows
    failed = Signal(str)

    def __init__(self, what: str, report: Callable[[], TableReport], parent: QWidget) -> None:
        super().__init__("E&xport…", parent)
        self.setObjectName(f"export{what.title().replace(' ', '')}")
        self.setAccessibleName(f"Export {what}")
        self.setToolTip(
            f"Every {what[:-1] if what.endswith('s') else what} the filters match, "
            "as CSV, Excel or PDF"
        )
        self.what = what
        self.report = report
        self.choose_path: Callable[[QWidget, str], Path | None] = ask_export_path
        self.clicked.connect(self.on_clicked)

    def on_clicked(self) -> None:
        path = self.choose_path(self, self.what)
        if path is None:
            return
        self.setEnabled(False)
        report = self.report
        file_format = path.suffix.lstrip(".").lower()

        def export() -> tuple[Path, int]:
            built = report()
            return printing().save_file(render_table(built, file_format), path), len(built.rows)

        ServiceOp(self, export, read=True).success(self._done).failure(self._failed).run()

    def _done(self, result: tuple[Path, int]) -> None:
        self.setEnabled(True)
        self.exported.emit(*result)

    def _failed(self, error: UserFacingError) -> None:
        self.setEnabled(True)
        self.failed.emit(error.message)
