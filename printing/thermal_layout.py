"""Lay a document out in the columns of a thermal roll: the lines, QR, barcode and logo blocks
that the ESC/POS renderer sends and the preview draws."""

import textwrap
from dataclasses import dataclass

from app.domain.documents import PrintDocument, Row, Section
from printing.profiles import ThermalProfile, fits_code_page, printable

CENTER = "center"
LEFT = "left"
_QR_MODULE_DOTS = 6
_BARCODE_HEIGHT = 60


@dataclass(frozen=True)
class TextLine:
    """One printed line, already in the printer's code page and padded to its columns."""

    text: str
    align: str = LEFT
    bold: bool = False
    double: bool = False  # double width and height: each character takes two columns
    raster: bool = False  # has characters the code page lacks: sent as an image


@dataclass(frozen=True)
class QrBlock:
    payload: str


@dataclass(frozen=True)
class BarcodeBlock:
    data: str  # Code 128, set B


@dataclass(frozen=True)
class LogoBlock:
    png_base64: str  # the receipt logo setting, already scaled to fit a 58 mm roll


Block = TextLine | QrBlock | BarcodeBlock | LogoBlock


def layout(doc: PrintDocument, profile: ThermalProfile) -> list[Block]:
    """Every line the roll will carry, in order; the renderer and the preview both draw this."""
    return _Layout(profile).document(doc)


class _Layout:
    def __init__(self, profile: ThermalProfile) -> None:
        self.profile = profile
        self.cols = profile.columns

    def document(self, doc: PrintDocument) -> list[Block]:
        cols = self.cols
        out: list[Block] = []
        if doc.logo:
            out.append(LogoBlock(doc.logo))
        for index, line in enumerate(doc.header):
            out += self.centered(line, bold=index == 0, double=index == 0)
        out.append(self.line(""))
        out += self.centered(doc.title, bold=True, double=True)
        if doc.copy_mark:
            out += self.centered(f"*** {doc.copy_mark} ***", bold=True)
        for section in doc.sections:
            out += self.section(section)
        if doc.notices:
            out.append(self.line("-" * cols))
            for notice in doc.notices:
                out += [self.line(line) for line in _wrap(self.shown(notice), cols)]
        out.append(self.line("-" * cols))
        if doc.qr_payload:
            out.append(QrBlock(doc.qr_payload))
        if doc.barcode_data and _barcode_fits(doc.barcode_data, self.profile):
            out.append(BarcodeBlock(doc.barcode_data))
        if doc.verification_caption:
            out += self.centered(doc.verification_caption)
        if doc.footer:
            out.append(self.line(""))
        for line in doc.footer:
            out += self.centered(line)
        return out

    def shown(self, value: str) -> str:
        return printable(value, self.profile.code_page)

    def line(
        self, shown: str, *, align: str = LEFT, bold: bool = False, double: bool = False
    ) -> TextLine:
        raster = not fits_code_page(shown, self.profile.code_page)
        return TextLine(shown, align=align, bold=bold, double=double, raster=raster)

    def centered(self, value: str, *, bold: bool = False, double: bool = False) -> list[TextLine]:
        shown = self.shown(value)
        if double and len(shown) * 2 > self.cols:
            double = False  # too long to print large: bold at normal size instead
        width = self.cols // 2 if double else self.cols
        return [
            self.line(line, align=CENTER, bold=bold, double=double) for line in _wrap(shown, width)
        ]

    def section(self, section: Section) -> list[TextLine]:
        lines = [
            self.line("-" * self.cols),
            self.line(self.shown(section.title.upper()), bold=True),
        ]
        for row in section.rows:
            lines += [self.line(line, bold=row.strong) for line in self.row(row)]
        return lines

    def row(self, row: Row) -> list[str]:
        """Label left, value right on one line when they fit; wrapped sensibly when not."""
        cols = self.cols
        label, value = self.shown(row.label), self.shown(row.value)
        if not value:
            lines = _wrap(label, cols)
        elif len(label) + 1 + len(value) <= cols:
            lines = [label + " " * (cols - len(label) - len(value)) + value]
        elif len(value) <= cols // 2:
            # a long label: wrap it and keep the amount on the right of its last line
            lines = _wrap(label, cols - len(value) - 1)
            lines[-1] = lines[-1].ljust(cols - len(value)) + value
        elif len(value) <= cols - 2:
            # a long value (a payment number): label, then the value on the right below it
            lines = [*_wrap(label, cols), value.rjust(cols)]
        else:
            # a value longer than the roll (notes, remarks): indented and wrapped under the label
            lines = _wrap(label, cols) + ["  " + line for line in _wrap(value, cols - 2)]
        if row.detail:
            lines += ["  " + line for line in _wrap(self.shown(row.detail), cols - 2)]
        return lines


def _wrap(value: str, width: int) -> list[str]:
    return textwrap.wrap(value, width, break_on_hyphens=False) or [""]


def _barcode_fits(data: str, profile: ThermalProfile) -> bool:
    printable_ascii = data.isascii() and data.isprintable()  # Code 128 set B
    return printable_ascii and _code128_modules(data) * 2 <= profile.dots


def barcode_module_dots(data: str, profile: ThermalProfile) -> int:
    """The widest bar module (2 or 3 dots) at which the Code 128 still fits the roll."""
    return 3 if _code128_modules(data) * 3 <= profile.dots else 2


def _code128_modules(data: str) -> int:
    # start + data + check symbols of 11 modules each, stop of 13
    return 11 * (len(data) + 2) + 13
