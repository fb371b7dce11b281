"""Draw the Tilldesk icon (a till receipt on a teal tile) at the sizes the .deb installs.

Run once with `.venv/bin/python packaging/linux/make_icons.py`; the PNG files are committed.
"""

from pathlib import Path

from PIL import Image, ImageDraw

SIZES = (48, 64, 128, 256)
OUT = Path(__file__).resolve().parent / "icons"
TEAL, PAPER, INK = (0, 121, 107, 255), (250, 250, 245, 255), (38, 50, 56, 255)


def draw(size: int) -> Image.Image:
    """Drawn at 4x and scaled down, so the small sizes stay smooth."""
    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 6, fill=TEAL)
    left, right, top, bottom = big * 0.28, big * 0.72, big * 0.16, big * 0.84
    pen.rectangle((left, top, right, bottom), fill=PAPER)
    tooth = (right - left) / 6
    for i in range(6):  # the torn edge of the receipt
        x = left + i * tooth
        pen.polygon(
            [(x, bottom), (x + tooth / 2, bottom + tooth / 2), (x + tooth, bottom)], fill=PAPER
        )
    for row in range(4):
        y = top + (row + 1) * (bottom - top) / 6
        width = (right - left) * (0.6 if row % 2 else 0.8)
        pen.rectangle(
            (left + big * 0.04, y, left + big * 0.04 + width - big * 0.08, y + big * 0.03), fill=INK
        )
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for size in SIZES:
        draw(size).save(OUT / f"tilldesk-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
