"""Printer ports: where ESC/POS bytes go (network 9100, file or device, USB, serial) and status.

A print-queue worker calls `port.send(job)` and maps what it raises: PrinterOffline -> the job
waits and retries, PaperOut -> waits for paper, PrinterError -> shown to the cashier. Each
`send` raises before any byte left when it can tell the printer is not ready; `partial` says
the printer may have received part of the job.
"""

import os
import socket
from abc import ABC, abstractmethod
from enum import StrEnum
from pathlib import Path
from typing import Any

DLE_EOT = b"\x10\x04"
_PRINTER_STATUS, _ROLL_PAPER_STATUS = 1, 4
_OFFLINE_BIT = 0x08  # n=1: printer is offline (cover open, paper out, error)
_PAPER_END_BITS = 0x60  # n=4: roll paper end sensor
_FIXED_BITS_MASK, _FIXED_BITS = 0x93, 0x12  # bits every DLE EOT answer has: how we know it is one


class PrinterStatus(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    PAPER_OUT = "paper_out"
    UNKNOWN = "unknown"  # reachable, but the printer does not answer status queries


class PrinterError(Exception):
    """The job did not print; the message says why in words a cashier understands."""

    def __init__(self, message: str, *, partial: bool = False) -> None:
        super().__init__(message)
        self.partial = partial  # some bytes may have reached the printer


class PrinterOffline(PrinterError):
    """The printer cannot be reached now; try again later."""


class PaperOut(PrinterError):
    """The printer says its roll is empty; nothing was sent."""


class PrinterPort(ABC):
    """Where print jobs go. Implementations are small and hold no state between jobs."""

    @property
    @abstractmethod
    def description(self) -> str:
        """What a cashier reads in a message: 'printer at 192.168.1.50:9100'."""

    @abstractmethod
    def send(self, data: bytes) -> None:
        """Deliver the whole job or raise a PrinterError."""

    @abstractmethod
    def status(self) -> PrinterStatus: ...


def parse_status(printer: bytes | None, paper: bytes | None) -> PrinterStatus:
    """Read the answers to DLE EOT 1 and DLE EOT 4 (None when the printer kept quiet)."""
    if not _is_status_byte(printer):
        return PrinterStatus.UNKNOWN
    assert printer is not None
    if _is_status_byte(paper) and paper is not None and paper[0] & _PAPER_END_BITS:
        return PrinterStatus.PAPER_OUT
    if printer[0] & _OFFLINE_BIT:
        return PrinterStatus.OFFLINE
    return PrinterStatus.ONLINE


def _is_status_byte(answer: bytes | None) -> bool:
    return bool(answer) and answer is not None and answer[0] & _FIXED_BITS_MASK == _FIXED_BITS


class NetworkPrinter(PrinterPort):
    """A printer on the LAN speaking raw TCP (port 9100, 'JetDirect')."""

    def __init__(
        self,
        host: str,
        port: int = 9100,
        *,
        timeout: float = 5.0,
        status_timeout: float = 0.5,
        check_status: bool = True,
    ) -> None:
        self.host, self.port = host, port
        self.timeout = timeout
        self.status_timeout = status_timeout
        self.check_status = check_status  # ask DLE EOT before sending; skipped if unanswered

    @property
    def description(self) -> str:
        return f"printer at {self.host}:{self.port}"

    def _connect(self) -> socket.socket:
        try:
            return socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as error:
            raise PrinterOffline(f"The {self.description} is not reachable ({error}).") from None

    def send(self, data: bytes) -> None:
        with self._connect() as conn:
            try:
                state = self._query(conn) if self.check_status else PrinterStatus.UNKNOWN
            except OSError as error:
                message = f"The {self.description} dropped the connection ({error})."
                raise PrinterOffline(message) from None
            if state is PrinterStatus.PAPER_OUT:
                raise PaperOut(f"The {self.description} is out of paper.")
            if state is PrinterStatus.OFFLINE:
                raise PrinterOffline(f"The {self.description} is offline (cover open?).")
            try:
                self._deliver(conn, data, confirm=state is PrinterStatus.ONLINE)
            except OSError as error:
                raise PrinterOffline(
                    f"The {self.description} dropped the connection ({error}).", partial=True
                ) from None

    def _deliver(self, conn: socket.socket, data: bytes, *, confirm: bool) -> None:
        conn.settimeout(self.timeout)
        conn.sendall(data)
        if confirm:
            # A printer answers DLE EOT once the bytes before it are in its buffer.
            if _ask(conn, DLE_EOT + bytes([_PRINTER_STATUS])) is None:
                raise PrinterOffline(
                    f"The {self.description} did not confirm the job.", partial=True
                )
            return
        conn.shutdown(socket.SHUT_WR)
        conn.settimeout(self.status_timeout)
        _drain(conn)

    def status(self) -> PrinterStatus:
        try:
            with self._connect() as conn:
                return self._query(conn)
        except (PrinterOffline, OSError):
            return PrinterStatus.OFFLINE

    def _query(self, conn: socket.socket) -> PrinterStatus:
        conn.settimeout(self.status_timeout)
        printer = _ask(conn, DLE_EOT + bytes([_PRINTER_STATUS]))
        if printer is None:
            return PrinterStatus.UNKNOWN
        return parse_status(printer, _ask(conn, DLE_EOT + bytes([_ROLL_PAPER_STATUS])))


def _ask(conn: socket.socket, query: bytes) -> bytes | None:
    """One real-time status byte, or None when the printer does not answer in time."""
    conn.sendall(query)
    try:
        return conn.recv(1) or None
    except TimeoutError:
        return None


def _drain(conn: socket.socket) -> None:
    """Wait briefly for the printer to close its side; most close once the job is taken."""
    try:
        while conn.recv(256):
            pass
    except TimeoutError:
        pass  # a printer that keeps the connection open has still taken the bytes


class FilePrinter(PrinterPort):
    """A device node (/dev/usb/lp0, a Windows share mapped to a file) or a plain file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    @property
    def description(self) -> str:
        return f"printer at {self.path}"

    def send(self, data: bytes) -> None:
        try:
            with self.path.open("ab") as out:
                out.write(data)
                out.flush()
        except OSError as error:
            raise PrinterOffline(f"The {self.description} cannot be written ({error}).") from None

    def status(self) -> PrinterStatus:
        if self.path.exists():
            return PrinterStatus.ONLINE if os.access(self.path, os.W_OK) else PrinterStatus.OFFLINE
        return PrinterStatus.UNKNOWN if self.path.parent.is_dir() else PrinterStatus.OFFLINE


class _EscposDevicePrinter(PrinterPort):
    """A python-escpos device (USB, serial), opened for each job and closed after it."""

    def _open(self) -> Any:
        raise NotImplementedError

    def send(self, data: bytes) -> None:
        device = self._open()
        try:
            device._raw(data)  # python-escpos' documented way to send prepared bytes
        except Exception as error:  # the drivers raise usb.core / serial errors of their own
            raise PrinterOffline(
                f"The {self.description} stopped answering ({error}).", partial=True
            ) from None
        finally:
            device.close()

    def status(self) -> PrinterStatus:
        try:
            device = self._open()
        except PrinterOffline:
            return PrinterStatus.OFFLINE
        try:
            if device.paper_status() == 0:
                return PrinterStatus.PAPER_OUT
            return PrinterStatus.ONLINE if device.is_online() else PrinterStatus.OFFLINE
        except Exception:  # no read channel, or the model ignores DLE EOT
            return PrinterStatus.UNKNOWN
        finally:
            device.close()


class UsbPrinter(_EscposDevicePrinter):
    def __init__(self, vendor_id: int, product_id: int, **options: Any) -> None:
        self.vendor_id, self.product_id, self.options = vendor_id, product_id, options

    @property
    def description(self) -> str:
        return f"USB printer {self.vendor_id:04x}:{self.product_id:04x}"

    def _open(self) -> Any:
        try:
            from escpos.printer import Usb  # needs pyusb, only on counters with USB printers

            if not Usb.is_usable():
                raise RuntimeError("pyusb is not installed")
            device = Usb(self.vendor_id, self.product_id, **self.options)
            device.open()
            return device
        except Exception as error:
            raise PrinterOffline(f"The {self.description} is not available ({error}).") from None


class SerialPrinter(_EscposDevicePrinter):
    def __init__(self, device: str, baudrate: int = 9600, **options: Any) -> None:
        self.device, self.baudrate, self.options = device, baudrate, options

    @property
    def description(self) -> str:
        return f"serial printer on {self.device}"

    def _open(self) -> Any:
        try:
            from escpos.printer import Serial  # needs pyserial

            if not Serial.is_usable():
                raise RuntimeError("pyserial is not installed")
            printer = Serial(devfile=self.device, baudrate=self.baudrate, **self.options)
            printer.open()
            return printer
        except Exception as error:
            raise PrinterOffline(f"The {self.description} is not available ({error}).") from None


class FakePrinter(PrinterPort):
    """For tests and demos: keeps every job; its status is whatever the test sets."""

    def __init__(self, state: PrinterStatus = PrinterStatus.ONLINE) -> None:
        self.state = state
        self.jobs: list[bytes] = []

    @property
    def description(self) -> str:
        return "test printer"

    def send(self, data: bytes) -> None:
        if self.state is PrinterStatus.OFFLINE:
            raise PrinterOffline("The test printer is offline.")
        if self.state is PrinterStatus.PAPER_OUT:
            raise PaperOut("The test printer is out of paper.")
        self.jobs.append(bytes(data))

    def status(self) -> PrinterStatus:
        return self.state


def open_port(kind: str, address: str, **options: Any) -> PrinterPort:
    """A port from printer settings: kind network|file|usb|serial and its address.

    network '192.168.1.50' or '192.168.1.50:9100'; file '/dev/usb/lp0';
    usb '04b8:0202' (vendor:product, hex); serial '/dev/ttyUSB0' or 'COM3'.
    """
    kind = kind.strip().lower()
    address = address.strip()
    if kind == "network":
        host, _, port = address.rpartition(":") if ":" in address else (address, "", "9100")
        return NetworkPrinter(host, int(port), **options)
    if kind == "file":
        return FilePrinter(address)
    if kind == "usb":
        vendor, _, product = address.partition(":")
        return UsbPrinter(int(vendor, 16), int(product, 16), **options)
    if kind == "serial":
        return SerialPrinter(address, **options)
    raise ValueError(f"Unknown printer kind '{kind}': use network, file, usb or serial.")
