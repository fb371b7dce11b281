"""The Settings > Printers table model, read without a window: what each column says."""

from PySide6.QtCore import Qt

from app.domain.printing import DocumentKind, printer_config
from ui.models.printers_model import PrinterColumn, PrintersModel

DISPLAY = Qt.ItemDataRole.DisplayRole


def row(model: PrintersModel, at: int) -> dict[PrinterColumn, str]:
    return {column: model.data(model.index(at, column), DISPLAY) for column in PrinterColumn}


def test_a_printer_reads_as_its_connection_paper_and_what_it_prints_by_itself():
    model = PrintersModel()
    model.set_rows(
        [
            printer_config(
                name="Counter",
                kind="network",
                address="192.168.1.50:9100",
                width_mm=58,
                auto_print=[DocumentKind.RECEIPT],
            ),
            printer_config(name="Spare", kind="usb", address="04b8:0202", enabled=False),
        ]
    )
    headers = [model.headerData(c, Qt.Orientation.Horizontal, DISPLAY) for c in PrinterColumn]
    assert headers == ["Name", "Connection", "Paper", "Code page", "Prints by itself", "In use"]
    assert row(model, 0) == {
        PrinterColumn.NAME: "Counter",
        PrinterColumn.CONNECTION: "network 192.168.1.50:9100",
        PrinterColumn.PAPER: "58 mm",
        PrinterColumn.CODE_PAGE: "CP437",
        PrinterColumn.AUTOMATIC: "Receipts",
        PrinterColumn.IN_USE: "Yes",
    }
    assert row(model, 1)[PrinterColumn.AUTOMATIC] == "nothing"
    assert row(model, 1)[PrinterColumn.IN_USE] == "No"


def test_an_empty_list_has_no_rows_but_all_its_columns():
    model = PrintersModel()
    assert model.rowCount() == 0 and model.columnCount() == len(PrinterColumn)
    assert model.row_at(0) is None
