"""The Z report on screen as the printer will print it, with Print and Download PDF."""

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.documents import ShiftReportDocument
from app.services.runtime import Counter
from app.services.shift_report import shift_report_document
from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.widgets.buttons import push_button
from ui.widgets.pdf_path import ask_pdf_path
from ui.widgets.print_actions import Z_REPORT, ActionNames, PrintActions
from ui.widgets.roll_preview import roll_preview


@dataclass(frozen=True)
class LoadedReport:
    document: ShiftReportDocument
    text: str  # every printed line, for screen readers and tests
    image: QImage


def load_report(counter: Counter, number: str | None) -> LoadedReport:
    """Off the GUI thread: the Z report and its roll drawn as the printer will print it."""
    document = shift_report_document(counter.read(), number)
    return LoadedReport(document, *roll_preview(document))


class ShiftReportPanel(QWidget):
    done = Signal()

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shiftReportPanel")
        self._context = context
        self.report: LoadedReport | None = None
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
        names = ActionNames(
            ("shiftReportPrint", "Print  (Ctrl+P)", "Print"),
            ("shiftReportPdf", "Download PDF  (Ctrl+D)"),
            "shiftReportMessage",
        )
        choose = lambda suggested: self.choose_pdf_path(suggested)  # noqa: E731 - tests replace it
        self.actions = PrintActions(
            Z_REPORT, names, self._context, choose, done_role="muted", status_above=True
        )
        self.print_button, self.pdf_button = self.actions.print_button, self.actions.pdf_button
        self.message = self.actions.status
        self.done_button = self.actions.add_button(
            push_button("shiftReportDone", "Done  (Esc)", "Done", "primary")
        )
        self.done_button.clicked.connect(self.done)
        side = QVBoxLayout()
        side.addWidget(self.heading)
        side.addWidget(self.actions, 1)
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 14, 20, 14)
        row.addWidget(self.scroll, 3)
        row.addLayout(side, 2)
        only_here = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence("Ctrl+P"), self, self.actions.print_now, context=only_here)
        QShortcut(QKeySequence("Ctrl+D"), self, self.actions.save_pdf, context=only_here)
        QShortcut(QKeySequence("Escape"), self, self.done.emit, context=only_here)

    def set_context(self, context: ClientContext) -> None:
        self._context = context
        self.actions.set_context(context)

    def show_report(self, number: str | None, note: str = "") -> None:
        self.report = None
        self.actions.show_document(None)
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
        self.actions.show_document(report.document.number)
        self.heading.setText(f"Shift report (Z) {report.document.number}")
        self.paper.setPixmap(QPixmap.fromImage(report.image))
        self.paper.setAccessibleDescription(report.text)

    def choose_pdf_path(self, suggested: Path) -> Path | None:
        """Ask where to save; tests override this to skip the dialog."""
        return ask_pdf_path(self, "Z report", suggested)

    def _say(self, message: str, *, error: bool = False) -> None:
        self.actions.say(message, error=error)
