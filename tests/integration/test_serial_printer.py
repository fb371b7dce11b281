"""A serial printer on a real (pseudo-)terminal: the bytes arrive whole, and a missing port is
reported as offline instead of crashing the print worker."""

import os
import select
import tty

import pytest

from printing.ports import PrinterOffline, PrinterStatus, SerialPrinter, open_port


def _read_all(fd: int, expected: int, timeout_s: float = 5.0) -> bytes:
    data = b""
    while len(data) < expected:
        ready, _, _ = select.select([fd], [], [], timeout_s)
        if not ready:
            break
        data += os.read(fd, 4096)
    return data


def test_a_job_sent_to_a_serial_printer_arrives_byte_for_byte() -> None:
    controller, device = os.openpty()
    tty.setraw(controller)  # the "printer" side sees raw bytes, no line discipline
    tty.setraw(device)
    try:
        job = b"\x1b@" + "R-T01-0001  $145.50\n".encode("ascii") + b"\x1dV\x00"
        printer = open_port("serial", os.ttyname(device))
        assert isinstance(printer, SerialPrinter)
        printer.send(job)
        assert _read_all(controller, len(job)) == job
    finally:
        os.close(controller)
        os.close(device)


def test_a_serial_port_that_does_not_exist_is_offline_not_a_crash(tmp_path) -> None:
    printer = SerialPrinter(str(tmp_path / "ttyUSB9"))
    assert printer.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrinterOffline, match="ttyUSB9"):
        printer.send(b"\x1b@hello\n")
