"""Settings > Printers: this terminal's printers, what each prints by itself, and a test print
that says plainly whether the page came out."""

from dataclasses import dataclass

from app.domain.errors import UserFacingError
from app.domain.printing import JobState, PrinterConfig
from app.services.print_queue import cancel_job
from app.services.printers import list_printers, remove_printer
from app.services.runtime import Counter
from ui.context import ClientContext
from ui.dialogs.printer_dialog import PrinterDialog
from ui.models.printers_model import PrinterColumn, PrintersModel
from ui.ops import ServiceOp
from ui.printing_port import printing
from ui.widgets.list_with_actions import ListWithActions
from ui.widgets.style import role_label
from ui.widgets.toast import show_toast


@dataclass(frozen=True)
class PrintCheck:
    printed: bool
    message: str


def print_check(counter: Counter, printer: str, username: str | None) -> PrintCheck:
    """Print a test page now (on the print lane). A page that did not print is taken off the
    queue again: a test page coming out an hour later, when the printer is back, helps nobody.
    """
    job = printing().print_test_page_now(counter, printer=printer, username=username)
    if job.state is JobState.PRINTED:
        return PrintCheck(True, f"Test page printed on '{printer}'. Check that it reads well.")
    if job.state in (JobState.QUEUED, JobState.WAITING, JobState.FAILED):
        cancel_job(counter.write(), str(job.job_id), username=username)
    reason = job.last_error or "the printer did not take it"
    return PrintCheck(False, f"The test page did not print: {reason}")


class PrintersSection(ListWithActions):
    title = "Printers"

    def __init__(self, context: ClientContext) -> None:
        self._context = context
        self._testing = False
        self.model = PrintersModel()
        super().__init__(
            name="settingsPrinters",
            heading=("settingsPrintersHeading", "Printers"),
            note=(
                "printersNote",
                f"Printers of terminal {context.terminal_code}. Changes here are saved at once.",
            ),
            model=self.model,
            table_name="printersTable",
            table_accessible="Printers of this terminal",
            message_name="testPrintResult",
            message_role="",
        )
        self.model.setParent(self)
        self.result = self.message
        self.stretch_columns(PrinterColumn.CONNECTION)
        self.selection_changed.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.on_edit_button_clicked())
        self.empty = self.add_above_buttons(
            role_label(
                "No printer yet: receipts can still be saved as PDF. "
                "Add one to print at the counter.",
                "muted",
                name="printersEmpty",
            )
        )
        self.add_button = self.add_action(
            "addPrinterButton", "&Add printer…", self.on_add_button_clicked
        )
        self.edit_button = self.add_action(
            "editPrinterButton", "&Edit…", self.on_edit_button_clicked
        )
        self.remove_button = self.add_action(
            "removePrinterButton", "&Remove", self.on_remove_button_clicked
        )
        self.test_button = self.add_action(
            "testPrintButton", "&Test print", self.on_test_button_clicked
        )
        self._update_buttons()

    def set_context(self, context: ClientContext) -> None:
        self._context = context

    # -- reading -----------------------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        counter = self._context.counter
        chosen = select or (self.selected.name if self.selected else None)
        ServiceOp(self, lambda: list_printers(counter.read()), read=True).success(
            lambda printers: self._show(printers, chosen)
        ).run()

    def _show(self, printers: list[PrinterConfig], chosen: str | None) -> None:
        self.model.set_rows(printers)
        self.empty.setVisible(not printers)
        if printers:
            row = next((i for i, p in enumerate(printers) if p.name == chosen), 0)
            self.table.selectRow(row)
        self._update_buttons()

    @property
    def selected(self) -> PrinterConfig | None:
        return self.model.row_at(self.current_row())

    def _update_buttons(self, *_args: object) -> None:
        chosen = self.selected is not None
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)
        self.test_button.setEnabled(chosen and not self._testing)

    # -- actions -------------------------------------------------------------------------------
    def on_add_button_clicked(self) -> None:
        self._open(PrinterDialog(self._context, None, self), "added")

    def on_edit_button_clicked(self) -> None:
        if self.selected:
            self._open(PrinterDialog(self._context, self.selected, self), "saved")

    def _open(self, dialog: PrinterDialog, verb: str) -> None:
        dialog.printer_saved.connect(lambda printer: self._done(printer.name, verb))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def on_remove_button_clicked(self) -> None:
        printer = self.selected
        if printer is None:
            return
        counter, by = self._context.counter, self._context.username
        ServiceOp(self, lambda: remove_printer(counter.write(), printer.name, username=by)).success(
            lambda _none: self._done(None, "removed", printer.name)
        ).failure(self._refused).run()

    def on_test_button_clicked(self) -> None:
        printer = self.selected
        if printer is None or self._testing:
            return
        self._testing = True
        self._update_buttons()
        self._say(f"Printing a test page on '{printer.name}'…", None)
        counter, by = self._context.counter, self._context.username
        ServiceOp(self, lambda: print_check(counter, printer.name, by), lane="print").success(
            self._tested
        ).failure(self._test_refused).run()

    def _tested(self, outcome: PrintCheck) -> None:
        self._testing = False
        self._update_buttons()
        self._say(outcome.message, outcome.printed)

    def _test_refused(self, error: UserFacingError) -> None:
        self._testing = False
        self._update_buttons()
        self._say(error.message, False)

    def _done(self, select: str | None, verb: str, name: str | None = None) -> None:
        self._say("", None)
        show_toast(self, f"Printer '{select or name}' {verb}.")
        self.refresh(select=select)

    def _refused(self, error: UserFacingError) -> None:
        self._say(error.message, False)

    def _say(self, text: str, ok: bool | None) -> None:
        self.say(text, {True: "ok", False: "error", None: "muted"}[ok])
