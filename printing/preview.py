"""Draw a thermal roll as the printer would print it: for screen previews and for looking."""

from functools import cache
from pathlib import Path

import qrcode
from barcode import Code128
from barcode.writer import ImageWriter
from PIL import Image, ImageDraw, ImageFont

from app.domain.documents import PrintDocument
from printing import FONT_DIR
from printing.escpos_render import (
    CENTER,
    BarcodeBlock,
    Block,
    LogoBlock,
    QrBlock,
    TextLine,
    barcode_module_dots,
    layout,
    logo_image,
)
from printing.profiles import ThermalProfile

LINE_DOTS = 24  # font A: 12 x 24 dots
DPI = 203
MARGIN = 16
_WHITE, _BLACK = (255, 255, 255), (0, 0, 0)


@cache
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / name), size)


def _mono(bold: bool, double: bool) -> ImageFont.FreeTypeFont:
    # DejaVu Sans Mono at 19 px advances 11.4 px: 48 columns fit the 576 dots of 80 mm paper.
    return _font("DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf", 38 if double else 19)


def text_image(
    text: str,
    profile: ThermalProfile,
    *,
    align: str = "left",
    bold: bool = False,
    double: bool = False,
) -> Image.Image:
    """A line drawn on the printer's own grid, one character per column cell.

    The renderer sends lines the code page cannot carry as this image, so their padding and
    right-aligned amounts line up with the text lines the printer draws around them.
    """
    scale = 2 if double else 1
    cell = profile.dots / profile.columns * scale
    image = Image.new("RGB", (profile.dots, LINE_DOTS * scale), _WHITE)
    font = _mono(bold, double)
    x = (profile.dots - cell * len(text)) / 2 if align == CENTER else 0.0
    draw = ImageDraw.Draw(image)
    for char in text:
        draw.text((x + cell / 2, image.height / 2), char, font=font, fill=_BLACK, anchor="mm")
        x += cell
    return image


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
