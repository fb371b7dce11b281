"""The print/PDF action panel of a document screen (receipt, Z report): Print, Download PDF,
the screen's own buttons, and the status line that says what happened."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from app.domain.errors import UserFacingError
from app.domain.printing import JobState
from app.services.print_queue import PrintJobView
from app.services.runtime import Counter
from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.printing_port import printing
from ui.widgets.buttons import push_button
from ui.widgets.pdf_path import suggested_pdf_path
from ui.widgets.style import restyle, role_label

# (counter, document number, user name): run off the GUI thread.
PrintNow = Callable[[Counter, str, str | None], PrintJobView]
PdfBytes = Callable[[Counter, str, str | None], bytes]
PDF_PAGE = "A4"  # a customer's copy prints on any office printer


@dataclass(frozen=True)
class Printable:
    """A kind of document the panel prints: what it is called, how it prints and how its PDF
    is made, what the status line says meanwhile, and the ops lane printing runs on."""

    what: str
    print_now: PrintNow
    pdf_bytes: PdfBytes
    printing: str = "Printing…"
    lane: str = ""


RECEIPT = Printable(
    "receipt",
    # On the writer: the queue claims and marks jobs in units of work of its own.
    lambda counter, number, user: printing().print_receipt_now(counter, number, username=user),
    lambda counter, number, user: printing().receipt_pdf(
        counter, number, page=PDF_PAGE, username=user
    ),
)
Z_REPORT = Printable(
    "Z report",
    lambda counter, number, user: printing().print_shift_report_now(counter, number, username=user),
    lambda counter, number, user: printing().shift_report_pdf(
        counter, number, page=PDF_PAGE, username=user
    )[1],
    printing="Sending the Z report to the printer…",
    lane="print",
)


def printed_message(job: PrintJobView, what: str = "receipt") -> tuple[str, bool]:
    """What the cashier reads after pressing Print, and whether it is a problem."""
    if job.state is JobState.PRINTED:
        copy = f" (copy {job.copy_number})" if job.copy_number else ""
        return f"Sent to printer {job.printer_name}{copy}.", False
    if job.state is JobState.WAITING:
        waiting = f"Printer {job.printer_name} is not ready: {job.last_error}"
        return f"{waiting} The {what} waits in the print queue.", True
    if job.state is JobState.FAILED:
        return f"Printing failed on {job.printer_name}: {job.last_error}", True
    return f"Queued for printer {job.printer_name}.", False


@dataclass(frozen=True)
class ActionNames:
    """The Print button's (object name, caption, accessible name), the PDF button's (object
    name, caption) and the status line's object name."""

    print_button: tuple[str, str, str]
    pdf_button: tuple[str, str]
    status: str


class PrintActions(QWidget):
    """Print sends the shown document to this counter's printer; Download PDF asks where and
    saves it. While one runs both are disabled; the status line says how it went."""

    def __init__(
        self,
        printable: Printable,
        names: ActionNames,
        context: ClientContext,
        choose_path: Callable[[Path], Path | None],
        *,
        done_role: str = "ok",
        status_above: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._printable, self._context, self._choose_path = printable, context, choose_path
        self._done_role = done_role
        self.number: str | None = None  # the document shown; None while loading
        self.busy = False
        self._extra: list[QPushButton] = []
        self.print_button = push_button(*names.print_button)
        self.pdf_button = push_button(*names.pdf_button, "Download PDF")
        self.status = role_label("", "muted", name=names.status)
        self.status.setWordWrap(True)
        self.print_button.clicked.connect(self.print_now)
        self.pdf_button.clicked.connect(self.save_pdf)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        if status_above:
            self._layout.addWidget(self.status)
            self._layout.addStretch(1)
        self._layout.addWidget(self.print_button)
        self._layout.addWidget(self.pdf_button)
        if not status_above:
            self._layout.addWidget(self.status)

    def add_button(self, button: QPushButton) -> QPushButton:
        """A screen's own button, after Print, Download PDF and the buttons added before."""
        self._extra.append(button)
        self._layout.insertWidget(self._layout.indexOf(self.pdf_button) + len(self._extra), button)
        return button

    def show_document(self, number: str | None) -> None:
        """The document the buttons act on (None: nothing to print yet)."""
        self.number = number
        self.print_button.setEnabled(number is not None)
        self.pdf_button.setEnabled(number is not None)

    def say(self, message: str, *, error: bool = False) -> None:
        self.status.setText(message)
        restyle(self.status, role="error" if error else self._done_role)

    # -- actions ------------------------------------------------------------------------
    def print_now(self) -> None:
        if self.number is None or self.busy:
            return
        what, number, (counter, username) = self._printable, self.number, self._who()
        self._set_busy(True, what.printing)
        ServiceOp(self, lambda: what.print_now(counter, number, username), lane=what.lane).success(
            self._printed
        ).failure(self._failed).run()

    def set_context(self, context: ClientContext) -> None:
        """Another person signed in: print and save as them."""
        self._context = context

    def _who(self) -> tuple[Counter, str | None]:
        return self._context.counter, self._context.username

    def _printed(self, job: PrintJobView) -> None:
        self._set_busy(False)
        message, problem = printed_message(job, self._printable.what)
        self.say(message, error=problem)

    def save_pdf(self) -> None:
        if self.number is None or self.busy:
            return
        path = self._choose_path(suggested_pdf_path(self.number))
        if path is None:
            return
        pdf, number, (counter, username) = self._printable.pdf_bytes, self.number, self._who()
        self._set_busy(True, "Saving the PDF…")
        ServiceOp(self, lambda: printing().save_file(pdf(counter, number, username), path)).success(
            self._saved
        ).failure(self._failed).run()

    def _saved(self, path: Path) -> None:
        self._set_busy(False)
        self.say(f"Saved {path.name} to {path.parent}.")

    def _failed(self, error: UserFacingError) -> None:
        self._set_busy(False)
        self.say(error.message, error=True)

    def _set_busy(self, busy: bool, message: str = "") -> None:
        self.busy = busy
        self.print_button.setEnabled(not busy)
        self.pdf_button.setEnabled(not busy)
        if message:
            self.say(message)
