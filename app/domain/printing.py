"""Print-queue rules: job states, printer settings, retry back-off, and the ports it is given."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Protocol

from app.domain.documents import PrintDocument
from app.domain.errors import UserFacingError


class DocumentKind(StrEnum):
    RECEIPT = "receipt"
    CREDIT_NOTE = "credit_note"
    SHIFT_REPORT = "shift_report"
    TEST = "test"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self.value]


_KIND_LABELS = {
    "receipt": "Receipt",
    "credit_note": "Credit note",
    "shift_report": "Shift report",
    "test": "Test page",
}


class JobState(StrEnum):
    QUEUED = "queued"  # stored, never tried
    PRINTING = "printing"  # claimed by a worker: bytes may be on their way
    WAITING = "waiting"  # the printer was offline or out of paper; tried again later
    PRINTED = "printed"  # the printer took every byte: never sent again
    FAILED = "failed"  # needs a person: may have printed partly, or cannot be drawn
    CANCELLED = "cancelled"


UNPRINTED = (JobState.QUEUED, JobState.PRINTING, JobState.WAITING)
PRINTABLE = (JobState.QUEUED, JobState.WAITING)  # what a worker may claim


class PrinterKind(StrEnum):
    NETWORK = "network"
    USB = "usb"
    SERIAL = "serial"
    FILE = "file"


PAPER_WIDTHS = (58, 80)
MAX_NAME = 40
# The tables ESC t selects on a generic ESC/POS printer (python-escpos' default profile);
# tests check this list against the renderer's, since the core may not import it.
CODE_PAGES = (
    "CP437", "CP850", "CP852", "CP855", "CP857", "CP858", "CP860", "CP861", "CP862", "CP863",
    "CP864", "CP865", "CP866", "CP869", "CP720", "CP737", "CP775", "CP874", "CP932", "CP1125",
    "CP1250", "CP1251", "CP1252", "CP1253", "CP1254", "CP1255", "CP1256", "CP1257", "CP1258",
    "ISO_8859-2", "ISO_8859-7", "ISO_8859-15",
)  # fmt: skip
_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")
_USB = re.compile(r"^[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}$")


@dataclass(frozen=True)
class PrinterConfig:
    """One printer of a terminal as settings describe it, already validated."""

    name: str
    kind: PrinterKind
    address: str
    width_mm: int = 80
    code_page: str = "CP437"
    enabled: bool = True
    auto_print: frozenset[DocumentKind] = field(default_factory=frozenset)
    opens_drawer: bool = True

    def prints_automatically(self, kind: DocumentKind) -> bool:
        return self.enabled and kind in self.auto_print


def printer_config(
    *,
    name: str,
    kind: str,
    address: str,
    width_mm: int | str = 80,
    code_page: str = "CP437",
    enabled: bool = True,
    auto_print: Iterable[str] | str = (),
    opens_drawer: bool = True,
) -> PrinterConfig:
    """Check printer settings as an admin typed them; every refusal says what to type."""
    return PrinterConfig(
        name=check_name(name),
        kind=_kind(kind),
        address=check_address(_kind(kind), address),
        width_mm=_width(width_mm),
        code_page=check_code_page(code_page),
        enabled=bool(enabled),
        auto_print=parse_auto_print(auto_print),
        opens_drawer=bool(opens_drawer),
    )


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise UserFacingError("Give the printer a name, such as 'Counter printer'.")
    if len(name) > MAX_NAME:
        raise UserFacingError(f"A printer name can be at most {MAX_NAME} characters.")
    return name


def _kind(kind: str) -> PrinterKind:
    try:
        return PrinterKind((kind or "").strip().lower())
    except ValueError:
        raise UserFacingError(
            f"Unknown printer kind '{kind}': use network, usb, serial or file."
        ) from None


def check_address(kind: PrinterKind, address: str) -> str:
    """network 'host' or 'host:port'; usb 'vendor:product' in hex; serial and file a path."""
    address = (address or "").strip()
    if kind is PrinterKind.NETWORK:
        return _network_address(address)
    if kind is PrinterKind.USB:
        if not _USB.match(address):
            raise UserFacingError(
                f"'{address}' is not a USB printer id: use vendor:product in hex, "
                "such as 04b8:0202."
            )
        return address.lower()
    if not address:
        where = (
            "a serial port such as /dev/ttyUSB0 or COM3"
            if kind is PrinterKind.SERIAL
            else ("a device or file path such as /dev/usb/lp0")
        )
        raise UserFacingError(f"Enter {where}.")
    return address


def _network_address(address: str) -> str:
    host, colon, port = address.rpartition(":") if ":" in address else (address, "", "")
    if not host or not _HOST.match(host):
        raise UserFacingError(
            f"'{address}' is not a network printer address: use a host name or IP address, "
            "optionally with a port, such as 192.168.1.50:9100."
        )
    if colon and not (port.isdigit() and 1 <= int(port) <= 65535):
        raise UserFacingError(f"Port '{port}' is not a port number (1-65535; printers use 9100).")
    return address


def _width(width_mm: int | str) -> int:
    try:
        width = int(width_mm)
    except (TypeError, ValueError):
        width = 0
    if width not in PAPER_WIDTHS:
        raise UserFacingError(f"Paper width must be 58 or 80 mm, not '{width_mm}'.")
    return width


def check_code_page(code_page: str) -> str:
    wanted = (code_page or "").strip().upper().replace("ISO8859", "ISO_8859")
    for known in CODE_PAGES:
        if wanted == known:
            return known
    raise UserFacingError(
        f"Unknown printer code page '{code_page}'. Use one of: {', '.join(CODE_PAGES)}."
    )


def parse_auto_print(value: Iterable[str] | str) -> frozenset[DocumentKind]:
    """'receipt,credit_note' or a list of kinds; 'none' or '' for nothing."""
    items = value.split(",") if isinstance(value, str) else list(value)
    kinds = set()
    for item in items:
        text = str(item).strip().lower().replace("-", "_").replace(" ", "_")
        if text in ("", "none"):
            continue
        try:
            kinds.add(DocumentKind(text))
        except ValueError:
            allowed = ", ".join(k.value for k in DocumentKind if k is not DocumentKind.TEST)
            raise UserFacingError(
                f"Unknown document '{item}' to print automatically: use {allowed}."
            ) from None
    if DocumentKind.TEST in kinds:
        raise UserFacingError("Test pages are printed on request only.")
    return frozenset(kinds)


def auto_print_text(kinds: Iterable[DocumentKind]) -> str:
    """How the set is stored and shown: 'credit_note,receipt'."""
    return ",".join(sorted(k.value for k in kinds))


# -- retrying ---------------------------------------------------------------------------------
FIRST_RETRY = timedelta(seconds=5)
LONGEST_WAIT = timedelta(minutes=5)
# Longer than any send can take (connect, status and confirm time-outs are seconds): a job
# still 'printing' after this was interrupted by a crash or power cut, not merely slow.
INTERRUPTED_AFTER = timedelta(minutes=2)


def retry_delay(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s ... after each failed attempt, never longer than 5 minutes."""
    delay = FIRST_RETRY * (2 ** max(attempts - 1, 0))
    return min(delay, LONGEST_WAIT)


# -- what the queue is given (printing/ and the composition root provide these) ----------------
class FailureKind(StrEnum):
    OFFLINE = "offline"
    PAPER_OUT = "paper_out"
    ERROR = "error"


class PrintAttemptFailed(Exception):
    """A printer link's way of saying the job did not print, and whether paper may show some."""

    def __init__(self, message: str, *, kind: FailureKind, partial: bool = False) -> None:
        super().__init__(message)
        self.kind = kind
        self.partial = partial

    @property
    def message(self) -> str:
        return str(self.args[0])


class PrinterLink(Protocol):
    """A printer ready to take a job; `send` delivers all of it or raises PrintAttemptFailed."""

    @property
    def description(self) -> str: ...

    def send(self, data: bytes) -> None: ...


Render = Callable[[PrintDocument, PrinterConfig], bytes]
OpenPrinter = Callable[[PrinterConfig], PrinterLink]
