"""The Settings > Printers table: one row per printer of this terminal."""

from enum import IntEnum

from app.domain.printing import PrinterConfig
from ui.models.rows_model import RowsModel

# The columns, left to right (Vorta's style: code names a column, never a bare number).
PrinterColumn = IntEnum(
    "PrinterColumn", "NAME CONNECTION PAPER CODE_PAGE AUTOMATIC IN_USE", start=0
)
HEADERS = ("Name", "Connection", "Paper", "Code page", "Prints by itself", "In use")


def cell_text(printer: PrinterConfig, column: PrinterColumn) -> str:
    if column is PrinterColumn.CONNECTION:
        return f"{printer.kind.value} {printer.address}"
    if column is PrinterColumn.PAPER:
        return f"{printer.width_mm} mm"
    if column is PrinterColumn.AUTOMATIC:
        return ", ".join(k.label + "s" for k in sorted(printer.auto_print)) or "nothing"
    if column is PrinterColumn.IN_USE:
        return "Yes" if printer.enabled else "No"
    if column is PrinterColumn.CODE_PAGE:
        return str(printer.code_page)
    return printer.name


class PrintersModel(RowsModel[PrinterConfig]):
    columns = PrinterColumn
    headers = HEADERS

    @property
    def printers(self) -> list[PrinterConfig]:
        return self.rows

    def text(self, row: PrinterConfig, column: PrinterColumn) -> str:
        return cell_text(row, column)
