"""Pixels on the printer's grid: the receipt logo and text lines the code page cannot carry.

Both the ESC/POS renderer (which sends such lines as images) and the preview draw with these,
so a preview looks like the roll."""

import base64
import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from printing import FONT_DIR
from printing.profiles import ThermalProfile
from printing.thermal_layout import CENTER, LogoBlock

LINE_DOTS = 24  # font A: 12 x 24 dots
_WHITE, _BLACK = (255, 255, 255), (0, 0, 0)


def logo_image(block: LogoBlock, profile: ThermalProfile) -> Image.Image:
    """The logo as the printer draws it: black dots on white, never wider than the roll."""
    with Image.open(io.BytesIO(base64.b64decode(block.png_base64))) as stored:
        image = stored.convert("L")
    if image.width > profile.dots:
        image.thumbnail((profile.dots, image.height), Image.Resampling.LANCZOS)
    return image.convert("1")


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
