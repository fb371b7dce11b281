"""Settings > Printers from the keyboard: add a printer, say what it prints by itself, and a
test print whose result is shown, whether the page came out or not."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import socket
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.db.database import Database
from app.domain.printing import DocumentKind, PrinterKind
from app.services.print_queue import queue_status, recent_jobs
from app.services.printers import add_printer, list_printers
from app.services.runtime import counter_for
from app.services.settings import current_settings
from ui.context import ClientContext
from ui.dialogs.printer_dialog import PrinterDialog
from ui.main_window import MainWindow
from ui.ops import wait_for_all
from ui.screens.settings_printers import PrintersSection

from .test_settings_screen import go_to_section, open_settings, sign_in


@pytest.fixture
def printers(qtbot, db: Database) -> PrintersSection:
    counter = counter_for(db)
    context = ClientContext(
        counter=counter, settings=current_settings(counter.read()), terminal_code="T01"
    )
    window = MainWindow(context, idle_lock_ms=60_000)
    qtbot.addWidget(window)
    window.show()
    sign_in(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    go_to_section(qtbot, screen, "Printers")
    yield screen.printers
    wait_for_all()


def press(qtbot, button) -> None:
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)


def printer_dialog(qtbot, section: PrintersSection) -> PrinterDialog:
    qtbot.waitUntil(lambda: section.findChild(PrinterDialog) is not None)
    return section.findChild(PrinterDialog)


def table_row(section: PrintersSection, row: int) -> list[str]:
    model = section.model
    return [model.data(model.index(row, c)) for c in range(model.columnCount())]


def choose(qtbot, combo, text: str) -> None:
    """Pick an entry by typing its first letters, as a keyboard user does in a closed combo."""
    combo.setFocus()
    qtbot.keyClicks(combo, text)
    assert combo.currentText().startswith(text)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_add_a_file_printer_and_print_a_test_page_on_it(
    qtbot, printers, db, tmp_path: Path
) -> None:
    assert printers.empty.isVisible()
    device = tmp_path / "lp0"
    press(qtbot, printers.add_button)
    dialog = printer_dialog(qtbot, printers)
    qtbot.keyClicks(dialog.name, "Front")
    choose(qtbot, dialog.kind, "Device")
    qtbot.keyClicks(dialog.address, str(device))
    choose(qtbot, dialog.paper_width, "58")
    dialog.automatic[DocumentKind.CREDIT_NOTE].setFocus()
    qtbot.keyClick(dialog.automatic[DocumentKind.CREDIT_NOTE], Qt.Key.Key_Space)
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: printers.model.rowCount() == 1)
    assert table_row(printers, 0) == [
        "Front",
        f"file {device}",
        "58 mm",
        "CP437",
        "Credit notes, Receipts",
        "Yes",
    ]
    assert not printers.empty.isVisible()
    (saved,) = list_printers(db.unit_of_work())
    assert (saved.kind, saved.width_mm) == (PrinterKind.FILE, 58)
    assert saved.auto_print == {DocumentKind.RECEIPT, DocumentKind.CREDIT_NOTE}

    press(qtbot, printers.test_button)
    qtbot.waitUntil(lambda: "printed" in printers.result.text())
    assert printers.result.text() == "Test page printed on 'Front'. Check that it reads well."
    page = device.read_bytes()
    assert b"TEST PRINT" in page and b"Front" in page and b"58 mm" in page


def test_a_wrong_address_is_shown_beside_the_field_and_nothing_is_added(
    qtbot, printers, db
) -> None:
    press(qtbot, printers.add_button)
    dialog = printer_dialog(qtbot, printers)
    qtbot.keyClicks(dialog.name, "Front")
    qtbot.keyClicks(dialog.address, "printer at the desk")
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    error = dialog.rows["address"].error
    assert error.isVisible()
    assert error.text().startswith("'printer at the desk' is not a network printer address")
    assert dialog.isVisible()
    wait_for_all()
    assert list_printers(db.unit_of_work()) == []


def test_a_test_page_that_cannot_print_says_why_and_leaves_no_job(qtbot, db, qapp) -> None:
    port = closed_port()
    add_printer(db.unit_of_work(), name="Back", kind="network", address=f"127.0.0.1:{port}")
    counter = counter_for(db)
    context = ClientContext(
        counter=counter, settings=current_settings(counter.read()), terminal_code="T01"
    )
    window = MainWindow(context, idle_lock_ms=60_000)
    qtbot.addWidget(window)
    window.show()
    sign_in(qtbot, window, "admin", "0000")
    screen = open_settings(qtbot, window)
    go_to_section(qtbot, screen, "Printers")
    section = screen.printers
    qtbot.waitUntil(lambda: section.model.rowCount() == 1)

    press(qtbot, section.test_button)
    qtbot.waitUntil(lambda: "did not print" in section.result.text(), timeout=15_000)
    assert section.result.text() == (
        f"The test page did not print: The printer at 127.0.0.1:{port} is not reachable "
        "([Errno 111] Connection refused)."
    )
    assert section.test_button.isEnabled()
    assert queue_status(db.unit_of_work()).jobs == ()  # nothing waits to print later
    (job,) = recent_jobs(db.unit_of_work())
    assert (job.kind, job.state.value) == (DocumentKind.TEST, "cancelled")
    wait_for_all()


def test_edit_keeps_the_name_and_changes_what_prints_by_itself(
    qtbot, printers, db, tmp_path
) -> None:
    add_printer(db.unit_of_work(), name="Front", kind="file", address=str(tmp_path / "lp0"))
    printers.refresh()
    qtbot.waitUntil(lambda: printers.model.rowCount() == 1)
    press(qtbot, printers.edit_button)
    dialog = printer_dialog(qtbot, printers)
    assert dialog.name.isReadOnly()
    assert dialog.automatic[DocumentKind.RECEIPT].isChecked() is False
    for kind in (DocumentKind.RECEIPT, DocumentKind.SHIFT_REPORT):
        dialog.automatic[kind].setFocus()
        qtbot.keyClick(dialog.automatic[kind], Qt.Key.Key_Space)
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table_row(printers, 0)[4] == "Receipts, Shift reports")
    (saved,) = list_printers(db.unit_of_work())
    assert saved.auto_print == {DocumentKind.RECEIPT, DocumentKind.SHIFT_REPORT}
