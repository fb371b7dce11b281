"""Settings > Printers: this terminal's printers, what each prints by itself, and a test print
that says plainly whether the page came out."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserFacingError
from app.domain.printing import JobState, PrinterConfig
from app.services.print_queue import cancel_job
from app.services.printers import list_printers, remove_printer
from app.services.runtime import Counter
from ui.context import ClientContext
from ui.dialogs.printer_dialog import PrinterDialog
from ui.ops import ServiceOp
from ui.printing_runtime import print_test_page_now
from ui.screens.settings_fields import label, mark_invalid
from ui.widgets.toast import show_toast

COLUMNS = ("name", "connection", "paper", "code_page", "automatic", "in_use")
HEADERS = ("Name", "Connection", "Paper", "Code page", "Prints by itself", "In use")
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class PrintCheck:
    printed: bool
    message: str


def print_check(counter: Counter, printer: str, username: str | None) -> PrintCheck:
    """Print a test page now (on the print lane). A page that did not print is taken off the
    queue again: a test page coming out an hour later, when the printer is back, helps nobody.
    """
    job = print_test_page_now(counter, printer=printer, username=username)
    if job.state is JobState.PRINTED:
        return PrintCheck(True, f"Test page printed on '{printer}'. Check that it reads well.")
    if job.state in (JobState.QUEUED, JobState.WAITING, JobState.FAILED):
        cancel_job(counter.write(), str(job.job_id), username=username)
    reason = job.last_error or "the printer did not take it"
    return PrintCheck(False, f"The test page did not print: {reason}")


class PrintersModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.printers: list[PrinterConfig] = []

    def set_printers(self, printers: list[PrinterConfig]) -> None:
        self.beginResetModel()
        self.printers = printers
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.printers)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        return cell_text(self.printers[index.row()], COLUMNS[index.column()])


def cell_text(printer: PrinterConfig, column: str) -> str:
    if column == "connection":
        return f"{printer.kind.value} {printer.address}"
    if column == "paper":
        return f"{printer.width_mm} mm"
    if column == "automatic":
        return ", ".join(k.label + "s" for k in sorted(printer.auto_print)) or "nothing"
    if column == "in_use":
        return "Yes" if printer.enabled else "No"
    return str(getattr(printer, column))


class PrintersSection(QWidget):
    title = "Printers"

    def __init__(self, context: ClientContext) -> None:
        super().__init__()
        self.setObjectName("settingsPrinters")
        self._context = context
        self._testing = False
        self.model = PrintersModel(self)
        self.table = QTableView()
        self.table.setObjectName("printersTable")
        self.table.setAccessibleName("Printers of this terminal")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.on_edit_button_clicked())
        self.add_button = self._button(
            "addPrinterButton", "&Add printer…", self.on_add_button_clicked
        )
        self.edit_button = self._button("editPrinterButton", "&Edit…", self.on_edit_button_clicked)
        self.remove_button = self._button(
            "removePrinterButton", "&Remove", self.on_remove_button_clicked
        )
        self.test_button = self._button(
            "testPrintButton", "&Test print", self.on_test_button_clicked
        )
        self.result = label("testPrintResult", "")
        self.result.setWordWrap(True)
        self.empty = label(
            "printersEmpty",
            "No printer yet: receipts can still be saved as PDF. Add one to print at the counter.",
            "muted",
        )
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button, self.test_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(label("settingsPrintersHeading", "Printers", "subheading"))
        layout.addWidget(
            label(
                "printersNote",
                f"Printers of terminal {context.terminal_code}. Changes here are saved at once.",
                "muted",
            )
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        self._update_buttons()

    def _button(self, name: str, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

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
        self.model.set_printers(printers)
        self.empty.setVisible(not printers)
        if printers:
            row = next((i for i, p in enumerate(printers) if p.name == chosen), 0)
            self.table.selectRow(row)
        self._update_buttons()

    @property
    def selected(self) -> PrinterConfig | None:
        row = self.table.currentIndex().row()
        return self.model.printers[row] if 0 <= row < len(self.model.printers) else None

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
        self.result.setText(text)
        self.result.setProperty("role", {True: "ok", False: "error", None: "muted"}[ok])
        mark_invalid(self.result, False)  # re-polish: the role decides the colour
