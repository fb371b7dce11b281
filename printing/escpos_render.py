"""Turn a laid-out document into ESC/POS bytes for a thermal printer."""

import contextlib
import io

from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy

from app.domain.documents import PrintDocument
from printing.profiles import ThermalProfile
from printing.raster import logo_image, text_image
from printing.thermal_layout import (
    CENTER,
    BarcodeBlock,
    LogoBlock,
    QrBlock,
    TextLine,
    barcode_module_dots,
    layout,
)

_QR_MODULE_DOTS = 6
_BARCODE_HEIGHT = 60


def render(doc: PrintDocument, profile: ThermalProfile) -> bytes:
    """The ESC/POS job for one document: text, QR, barcode, cut, drawer pulse if it says so."""
    printer = Dummy(profile="default")
    # The media width lets images be checked against the roll; set on this instance only.
    printer.profile.profile_data = {
        **printer.profile.profile_data,
        "media": {"width": {"mm": profile.paper_mm, "pixels": profile.dots}, "dpi": 203},
    }
    printer.hw("INIT")
    printer.charcode(profile.code_page)
    state: dict[str, object] = {}
    for block in layout(doc, profile):
        if isinstance(block, TextLine):
            _emit_text(printer, block, profile, state)
        elif isinstance(block, QrBlock):
            _emit_qr(printer, block, profile, state)
        elif isinstance(block, LogoBlock):
            _style(printer, state, align=CENTER, bold=False, double=False)
            printer.image(logo_image(block, profile), center=True)
        else:
            _emit_barcode(printer, block, profile, state)
    printer.cut()
    if doc.open_drawer:
        printer.cashdraw(profile.drawer_pin)
    return printer.output


def _style(
    printer: Dummy, state: dict[str, object], *, align: str, bold: bool, double: bool
) -> None:
    """Send only the style changes, so the job stays small."""
    if state.get("align") != align:
        printer.set(align=align)
    if state.get("bold") != bold:
        printer.set(bold=bold)
    if state.get("double") != double:
        size = 2 if double else 1
        printer.set(custom_size=True, width=size, height=size)
    state.update(align=align, bold=bold, double=double)


def _emit_text(printer: Dummy, line: TextLine, profile: ThermalProfile, state: dict) -> None:
    _style(printer, state, align=line.align, bold=line.bold, double=line.double)
    if line.raster:
        image = text_image(line.text, profile, align=line.align, bold=line.bold, double=line.double)
        printer.image(image)
        return
    printer.textln(line.text)


def _emit_qr(printer: Dummy, block: QrBlock, profile: ThermalProfile, state: dict) -> None:
    _style(printer, state, align=CENTER, bold=False, double=False)
    if profile.native_qr:
        printer.qr(block.payload, ec=QR_ECLEVEL_M, size=_QR_MODULE_DOTS, native=True)
        printer.ln()
    else:
        printer.qr(block.payload, ec=QR_ECLEVEL_M, size=_QR_MODULE_DOTS, center=True)


def _emit_barcode(
    printer: Dummy, block: BarcodeBlock, profile: ThermalProfile, state: dict
) -> None:
    _style(printer, state, align=CENTER, bold=False, double=False)
    width = barcode_module_dots(block.data, profile)
    # The public barcode() announces its renderer on stdout; a CLI writing the job to stdout
    # (`--escpos -`) must not get that note inside the bytes.
    with contextlib.redirect_stdout(io.StringIO()):
        printer.barcode(
            "{B" + block.data,
            "CODE128",
            height=_BARCODE_HEIGHT,
            width=width,
            pos="BELOW",
            font="A",
            align_ct=True,
            function_type="B",
            check=True,
        )
    printer.ln()
