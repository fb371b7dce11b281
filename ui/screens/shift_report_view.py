"""The Z report on screen as the printer will print it, with Print and Download PDF."""

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.documents import ShiftReportDocument
from app.domain.errors import UserFacingError
from app.services.print_queue import PrintJobView
from app.services.runtime import Counter
from app.services.shift_report import shift_report_document
from printing.escpos_render import TextLine, layout
from printing.preview import roll_image
from printing.profiles import PAPER_80
from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.printing_runtime import print_shift_report_now, save_file, shift_report_pdf
from ui.screens.receipt import printed_message
from ui.widgets.pdf_path import ask_pdf_path, suggested_pdf_path

PDF_PAGE = "A4"


@dataclass(frozen=True)
class LoadedReport:
    document: ShiftReportDocument
    text: str  # every printed line, for screen readers and tests
    image: QImage


def load_report(counter: Counter, number: str | None) -> LoadedReport:
    """Off the GUI thread: the Z report and its roll drawn as the printer will print it."""
    document = shift_report_document(counter.read(), number)
    blocks = layout(document, PAPER_80)
    text = "\n".join(b.text.rstrip() for b in blocks if isinstance(b, TextLine))
    roll = roll_image(blocks, PAPER_80).convert("RGB")
    data = roll.tobytes("raw", "RGB")
    image = QImage(data, roll.width, roll.height, 3 * roll.width, QImage.Format.Format_RGB888)
    return LoadedReport(document, text, image.copy())


class ShiftReportPanel(QWidget):
    done = Signal()

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shiftReportPanel")
        self._context = context
        self.report: LoadedReport | None = None
        self._busy = False
        self.heading = QLabel("Shift report (Z)")
        self.heading.setProperty("role", "heading")
        self.paper = QLabel()
        self.paper.setObjectName("shiftReportPaper")
        self.paper.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("shiftReportScroll")
        self.scroll.setAccessibleName("Z report preview")
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.paper)
        self.message = QLabel("")
        self.message.setObjectName("shiftReportMessage")
        self.message.setWordWrap(True)
        self.print_button = self._button("shiftReportPrint", "Print  (Ctrl+P)", "Print")
        self.pdf_button = self._button("shiftReportPdf", "Download PDF  (Ctrl+D)", "Download PDF")
        self.done_button = self._button("shiftReportDone", "Done  (Esc)", "Done")
        self.done_button.setProperty("role", "primary")
        self.print_button.clicked.connect(self.on_print_button_clicked)
        self.pdf_button.clicked.connect(self.on_pdf_button_clicked)
        self.done_button.clicked.connect(self.done)
        side = QVBoxLayout()
        side.addWidget(self.heading)
        side.addWidget(self.message)
        side.addStretch(1)
        for button in (self.print_button, self.pdf_button, self.done_button):
            side.addWidget(button)
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 14, 20, 14)
        row.addWidget(self.scroll, 3)
        row.addLayout(side, 2)
        only_here = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence("Ctrl+P"), self, self.on_print_button_clicked, context=only_here)
        QShortcut(QKeySequence("Ctrl+D"), self, self.on_pdf_button_clicked, context=only_here)
        QShortcut(QKeySequence("Escape"), self, self.done.emit, context=only_here)

    @staticmethod
    def _button(name: str, text: str, accessible: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        return button

    def set_context(self, context: ClientContext) -> None:
        self._context = context

    def show_report(self, number: str | None, note: str = "") -> None:
        self.report = None
        self.paper.setPixmap(QPixmap())
        self.paper.setText("Loading the Z report…")
        self._say(note)
        counter = self._context.counter
        ServiceOp(self, lambda: load_report(counter, number), read=True).success(
            self._loaded
        ).failure(lambda error: self._say(error.message, error=True)).run()
        self.done_button.setFocus()

    def _loaded(self, report: LoadedReport) -> None:
        self.report = report
        self.heading.setText(f"Shift report (Z) {report.document.number}")
        self.paper.setPixmap(QPixmap.fromImage(report.image))
        self.paper.setAccessibleDescription(report.text)

    def on_print_button_clicked(self) -> None:
        if self.report is None or self._busy:
            return
        self._set_busy(True, "Sending the Z report to the printer…")
        counter, username = self._context.counter, self._context.username
        number = self.report.document.number
        ServiceOp(
            self, lambda: print_shift_report_now(counter, number, username=username), lane="print"
        ).success(self._printed).failure(self._failed).run()

    def _printed(self, job: PrintJobView) -> None:
        self._set_busy(False)
        message, problem = printed_message(job)
        self._say(message, error=problem)

    def choose_pdf_path(self, suggested: Path) -> Path | None:
        """Ask where to save; tests override this to skip the dialog."""
        return ask_pdf_path(self, "Z report", suggested)

    def on_pdf_button_clicked(self) -> None:
        if self.report is None or self._busy:
            return
        number = self.report.document.number
        path = self.choose_pdf_path(suggested_pdf_path(number))
        if path is None:
            return
        self._set_busy(True, "Saving the PDF…")
        counter, username = self._context.counter, self._context.username

        def download() -> Path:
            _number, data = shift_report_pdf(counter, number, page=PDF_PAGE, username=username)
            return save_file(data, path)

        ServiceOp(self, download).success(self._saved).failure(self._failed).run()

    def _saved(self, path: Path) -> None:
        self._set_busy(False)
        self._say(f"Saved {path.name} to {path.parent}.")

    def _failed(self, error: UserFacingError) -> None:
        self._set_busy(False)
        self._say(error.message, error=True)

    def _set_busy(self, busy: bool, message: str = "") -> None:
        self._busy = busy
        self.print_button.setEnabled(not busy)
        self.pdf_button.setEnabled(not busy)
        if message:
            self._say(message)

    def _say(self, message: str, *, error: bool = False) -> None:
        self.message.setText(message)
        self.message.setProperty("role", "error" if error else "muted")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
