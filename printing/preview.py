"""A picture of the thermal roll (PNG), drawn from the same layout the printer receives."""

from pathlib import Path

import qrcode
from barcode import Code128
from barcode.writer import ImageWriter
from PIL import Image

from app.domain.documents import PrintDocument
from printing.profiles import ThermalProfile
from printing.raster import logo_image, text_image
from printing.thermal_layout import (
    BarcodeBlock,
    Block,
    LogoBlock,
    QrBlock,
    TextLine,
    barcode_module_dots,
    layout,
)

DPI = 203
MARGIN = 16
_WHITE = (255, 255, 255)


def roll_image(blocks: list[Block], profile: ThermalProfile) -> Image.Image:
    """The whole roll as one image, white paper with black print."""
    pieces = [_piece(block, profile) for block in blocks]
    height = sum(p.height for p in pieces) + 2 * MARGIN
    roll = Image.new("RGB", (profile.dots + 2 * MARGIN, height), _WHITE)
    y = MARGIN
    for piece in pieces:
        roll.paste(piece, (MARGIN + (profile.dots - piece.width) // 2, y))
        y += piece.height
    return roll


def _piece(block: Block, profile: ThermalProfile) -> Image.Image:
    if isinstance(block, LogoBlock):
        return logo_image(block, profile).convert("RGB")
    if isinstance(block, QrBlock):
        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=2)
        qr.add_data(block.payload)
        return qr.make_image().get_image().convert("RGB")
    if isinstance(block, BarcodeBlock):
        module_mm = barcode_module_dots(block.data, profile) * 25.4 / DPI
        options = {"module_width": module_mm, "module_height": 7.5, "font_size": 8, "dpi": DPI}
        return Code128(block.data, writer=ImageWriter()).render(options).convert("RGB")
    return _text_piece(block, profile)


def _text_piece(line: TextLine, profile: ThermalProfile) -> Image.Image:
    # Text and raster lines alike sit on the printer's grid of 12-dot cells.
    return text_image(line.text, profile, align=line.align, bold=line.bold, double=line.double)


def save_preview(doc: PrintDocument, profile: ThermalProfile, path: Path) -> Path:
    """Lay the document out for this roll and save the picture as PNG."""
    roll_image(layout(doc, profile), profile).save(path, "PNG")
    return Path(path)
