"""A document drawn on the thermal roll as the printer will print it, for a screen to show."""

from PySide6.QtGui import QImage

from app.domain.documents import PrintDocument
from printing.preview import roll_image
from printing.profiles import PAPER_80
from printing.thermal_layout import TextLine, layout


def roll_preview(document: PrintDocument) -> tuple[str, QImage]:
    """Every printed line (for screen readers and tests) and the roll's picture; safe off the
    GUI thread (a QImage, not a QPixmap)."""
    blocks = layout(document, PAPER_80)
    text = "\n".join(b.text.rstrip() for b in blocks if isinstance(b, TextLine))
    roll = roll_image(blocks, PAPER_80).convert("RGB")
    data = roll.tobytes("raw", "RGB")
    image = QImage(data, roll.width, roll.height, 3 * roll.width, QImage.Format.Format_RGB888)
    return text, image.copy()  # copy: own the pixels, not the PIL buffer
