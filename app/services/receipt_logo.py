"""Turn an image file the admin picked into the receipt logo setting (a small grayscale PNG).

The logo is stored in the settings table, not as a path: it then travels with the database
(backups, `VACUUM INTO`, sync to the server) and a queued print job never finds it missing.
It is scaled once, here, to fit a 58 mm roll (384 dots), so every printer and the PDF draw
the same picture and the stored value stays a few kilobytes.
"""

import base64
import io
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from app.domain.errors import UserFacingError
from app.domain.settings import MAX_LOGO_BYTES, check_logo

MAX_WIDTH_DOTS = 384  # the printable width of a 58 mm roll; an 80 mm roll centres it
MAX_HEIGHT_DOTS = 160  # about 20 mm at 203 dpi: a logo, not a poster
_MAX_FILE_BYTES = 20 * 1024 * 1024


def logo_from_file(path: Path | str) -> str:
    """The setting's value for this image file: base64 of a grayscale PNG that fits the roll."""
    path = Path(path)
    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            raise UserFacingError(f"{path.name} is larger than 20 MB: choose a smaller image.")
        with Image.open(path) as image:
            image.load()
            picture = _flatten(image)
    except FileNotFoundError:
        raise UserFacingError(f"The file {path} does not exist.") from None
    except UnidentifiedImageError:
        raise UserFacingError(
            f"{path.name} is not an image Tilldesk can read: use PNG, JPEG, BMP or GIF."
        ) from None
    except OSError as error:
        raise UserFacingError(f"{path.name} could not be read ({error}).") from None
    picture.thumbnail((MAX_WIDTH_DOTS, MAX_HEIGHT_DOTS), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, "PNG", optimize=True)
    if out.tell() > MAX_LOGO_BYTES:
        raise UserFacingError(
            f"{path.name} stays larger than 64 KB after scaling: use a simpler image."
        )
    logo = base64.b64encode(out.getvalue()).decode("ascii")
    check_logo(logo)
    return logo


def logo_size(logo: str) -> tuple[int, int]:
    """Width and height in printer dots, to tell the admin what will print."""
    with Image.open(io.BytesIO(check_logo(logo))) as image:
        return image.size


def _flatten(image: Image.Image) -> Image.Image:
    """Transparent parts become paper-white; colours become shades of grey."""
    rgba = image.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("L")
