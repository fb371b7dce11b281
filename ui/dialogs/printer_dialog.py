"""Add or change one of this counter's printers: connection, paper, code page, and which
documents it prints by itself. Each field is checked as the admin leaves the dialog."""

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserFacingError
from app.domain.printing import (
    CODE_PAGES,
    PAPER_WIDTHS,
    DocumentKind,
    PrinterConfig,
    PrinterKind,
    check_address,
    check_code_page,
    check_name,
)
from app.services.printers import add_printer, update_printer
from ui.context import ClientContext
from ui.dialogs.fields_dialog import FieldsDialog
from ui.screens.settings_fields import label, line_edit

KIND_TEXT = {
    PrinterKind.NETWORK: ("Network (Ethernet, Wi-Fi)", "192.168.1.50:9100"),
    PrinterKind.USB: ("USB", "04b8:0202 (vendor:product)"),
    PrinterKind.SERIAL: ("Serial", "/dev/ttyUSB0 or COM3"),
    PrinterKind.FILE: ("Device or file", "/dev/usb/lp0"),
}
AUTOMATIC = (
    (DocumentKind.RECEIPT, "Receipts, when a payment is recorded"),
    (DocumentKind.CREDIT_NOTE, "Credit notes, when one becomes active"),
    (DocumentKind.SHIFT_REPORT, "Shift reports, when a shift is closed"),
)


class PrinterDialog(FieldsDialog):
    printer_saved = Signal(object)  # PrinterConfig

    def __init__(
        self,
        context: ClientContext,
        printer: PrinterConfig | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            parent,
            title=f"Printer — {printer.name}" if printer else "Add printer",
            width=560,
            names=("printerDialogHeading", "printerFormError", "printerSaveButton"),
        )
        self.setObjectName("printerDialog")
        self._context = context
        self._printer = printer
        self._fields()
        self._load(printer)
        (self.address if printer else self.name).setFocus()

    def _fields(self) -> None:
        self.name = line_edit("printerName", "Printer name", width=260)
        self.name.setMaxLength(40)
        self.add_row("&Name", "name", self.name)
        self.kind = QComboBox()
        self.kind.setObjectName("printerKind")
        self.kind.setAccessibleName("Connection")
        self.kind.setFixedWidth(260)
        for kind, (text, _example) in KIND_TEXT.items():
            self.kind.addItem(text, kind.value)
        self.kind.currentIndexChanged.connect(self.on_kind_current_index_changed)
        self.add_row("&Connection", "kind", self.kind)
        self.address = line_edit("printerAddress", "Address", width=300)
        self.add_row("&Address", "address", self.address)
        self.paper_width = QComboBox()
        self.paper_width.setObjectName("printerWidth")
        self.paper_width.setAccessibleName("Paper width")
        self.paper_width.setFixedWidth(120)
        for mm in PAPER_WIDTHS:
            self.paper_width.addItem(f"{mm} mm", mm)
        self.add_row("&Paper", "width_mm", self.paper_width)
        self.code_page = QComboBox()
        self.code_page.setObjectName("printerCodePage")
        self.code_page.setAccessibleName("Code page")
        self.code_page.setFixedWidth(140)
        self.code_page.addItems(CODE_PAGES)
        self.add_row(
            "Code pa&ge",
            "code_page",
            self.code_page,
            label("codePageNote", "the printer's character table; CP437 on most", "muted"),
        )
        automatic = QWidget()
        column = QVBoxLayout(automatic)
        column.setContentsMargins(0, 0, 0, 0)
        self.automatic: dict[DocumentKind, QCheckBox] = {}
        for kind, text in AUTOMATIC:
            box = QCheckBox(text)
            box.setObjectName(f"autoPrint_{kind.value}")
            column.addWidget(box)
            self.automatic[kind] = box
        self.add_row("Prints by &itself", "auto_print", automatic)
        options = QWidget()
        row = QHBoxLayout(options)
        row.setContentsMargins(0, 0, 0, 0)
        self.opens_drawer = QCheckBox("Opens the cash drawer")
        self.opens_drawer.setObjectName("printerOpensDrawer")
        self.enabled = QCheckBox("In use")
        self.enabled.setObjectName("printerEnabled")
        row.addWidget(self.opens_drawer)
        row.addWidget(self.enabled)
        row.addStretch(1)
        self.add_row("", "options", options)

    def _load(self, printer: PrinterConfig | None) -> None:
        if printer is None:
            self.paper_width.setCurrentIndex(self.paper_width.findData(80))
            self.opens_drawer.setChecked(True)
            self.enabled.setChecked(True)
            self.automatic[DocumentKind.RECEIPT].setChecked(True)
            self.on_kind_current_index_changed()
            return
        self.name.setText(printer.name)
        self.name.setReadOnly(True)  # print jobs refer to a printer by its name
        self.name.setToolTip("A printer keeps its name: its print jobs refer to it.")
        self.kind.setCurrentIndex(self.kind.findData(printer.kind.value))
        self.address.setText(printer.address)
        self.paper_width.setCurrentIndex(self.paper_width.findData(printer.width_mm))
        self.code_page.setCurrentText(printer.code_page)
        for kind, box in self.automatic.items():
            box.setChecked(kind in printer.auto_print)
        self.opens_drawer.setChecked(printer.opens_drawer)
        self.enabled.setChecked(printer.enabled)

    def on_kind_current_index_changed(self, *_args: object) -> None:
        self.address.setPlaceholderText(KIND_TEXT[self._kind()][1])

    def _kind(self) -> PrinterKind:
        return PrinterKind(self.kind.currentData())

    # -- saving ------------------------------------------------------------------------------
    def problems(self) -> dict[str, str]:
        checks: dict[str, Callable[[], object]] = {
            "name": lambda: check_name(self.name.text()),
            "address": lambda: check_address(self._kind(), self.address.text()),
            "code_page": lambda: check_code_page(self.code_page.currentText()),
        }
        problems = {}
        for key, check in checks.items():
            try:
                check()
            except UserFacingError as error:
                problems[key] = error.message
        return problems

    def call(self) -> Callable[[], PrinterConfig]:
        counter, by = self._context.counter, self._context.username
        fields = {
            "kind": self._kind().value,
            "address": self.address.text(),
            "width_mm": self.paper_width.currentData(),
            "code_page": self.code_page.currentText(),
            "auto_print": tuple(k.value for k, box in self.automatic.items() if box.isChecked()),
            "opens_drawer": self.opens_drawer.isChecked(),
            "enabled": self.enabled.isChecked(),
        }
        if self._printer is None:
            name = self.name.text()
            return lambda: add_printer(counter.write(), name=name, username=by, **fields)
        name = self._printer.name
        return lambda: update_printer(counter.write(), name, username=by, **fields)

    def saved(self, result: PrinterConfig) -> None:
        self.printer_saved.emit(result)

    def field_of(self, message: str) -> str:
        return "name" if "named" in message else ""
