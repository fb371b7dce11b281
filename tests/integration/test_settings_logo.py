"""The receipt logo: an image file becomes a small PNG in settings, audited by fingerprint,
printed as a raster image on thermal paper and drawn at the top of the PDF."""

import base64
import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import select

from app.db.database import Database
from app.db.tables import AuditEvent, OutboxRecord
from app.domain.errors import UserFacingError
from app.services.documents import receipt_document
from app.services.receipt_logo import logo_from_file
from app.services.record_payment import PaymentRequest, record_payment
from app.services.settings import current_settings, update_settings
from printing.escpos_render import render
from printing.pdf_render import render_pdf
from printing.preview import roll_image
from printing.profiles import profile_for
from printing.thermal_layout import layout

RASTER = b"\x1dv0"  # GS v 0: print a raster bit image


@pytest.fixture
def logo_file(tmp_path: Path) -> Path:
    """A wide colour logo with a transparent background, larger than any roll."""
    image = Image.new("RGBA", (1200, 600), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((100, 50, 600, 550), fill=(11, 61, 92, 255))
    draw.rectangle((700, 200, 1100, 400), fill=(200, 30, 30, 255))
    path = tmp_path / "utility-logo.png"
    image.save(path)
    return path


def receipt(db: Database) -> str:
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type="Bill",
        items=("INV-2025-001234",),
        method="Cash",
        amount="145.50",
        username="jsmith",
    )
    return record_payment(db.unit_of_work(), request).receipt_number


def test_an_image_becomes_a_grey_png_that_fits_a_58_mm_roll(logo_file: Path) -> None:
    logo = logo_from_file(logo_file)
    with Image.open(io.BytesIO(base64.b64decode(logo))) as stored:
        assert stored.format == "PNG"
        assert stored.mode == "L"
        assert stored.size == (320, 160)  # 2:1 kept, 160 dots high at most
        assert stored.getpixel((0, 0)) == 255  # the transparent corner prints as paper
        assert stored.getpixel((93, 80)) < 100  # the circle prints dark


def test_a_file_that_is_not_an_image_is_refused_with_its_name(tmp_path: Path) -> None:
    text = tmp_path / "logo.png"
    text.write_text("not a picture")
    with pytest.raises(
        UserFacingError, match=re.escape("logo.png is not an image Tilldesk can read")
    ):
        logo_from_file(text)
    with pytest.raises(UserFacingError, match="does not exist"):
        logo_from_file(tmp_path / "missing.png")


def test_a_logo_that_is_not_a_stored_png_is_refused_and_nothing_changes(db: Database) -> None:
    with pytest.raises(UserFacingError, match="The receipt logo is not a stored image"):
        update_settings(db.unit_of_work(), {"receipt_logo": "%%%"}, username="admin")
    jpeg = io.BytesIO()
    Image.new("L", (10, 10)).save(jpeg, "JPEG")
    with pytest.raises(UserFacingError, match="must be stored as PNG"):
        update_settings(
            db.unit_of_work(),
            {"receipt_logo": base64.b64encode(jpeg.getvalue()).decode()},
            username="admin",
        )
    assert current_settings(db.unit_of_work()).receipt_logo == ""


def test_the_audit_trail_records_a_fingerprint_and_the_server_gets_the_image(
    db: Database, logo_file: Path
) -> None:
    logo = logo_from_file(logo_file)
    update_settings(db.unit_of_work(), {"receipt_logo": logo}, username="admin")
    with db.unit_of_work() as uow:
        before, after = uow.session.execute(
            select(AuditEvent.before_json, AuditEvent.after_json).where(
                AuditEvent.action == "settings.changed"
            )
        ).one()
        payload = uow.session.scalars(
            select(OutboxRecord.payload_json).where(OutboxRecord.entity == "settings_change")
        ).one()
    assert json.loads(before) == {"receipt_logo": ""}
    fingerprint = json.loads(after)["receipt_logo"]
    assert fingerprint.startswith("sha256:") and len(fingerprint) == len("sha256:") + 16
    assert json.loads(payload)["changed"]["receipt_logo"] == logo


def test_receipts_print_the_logo_above_the_header_on_paper_and_in_pdf(
    db: Database, logo_file: Path
) -> None:
    number = receipt(db)
    plain = receipt_document(db.unit_of_work(), number)
    assert plain.logo is None
    assert RASTER not in render(plain, profile_for(80, "CP437"))

    update_settings(
        db.unit_of_work(), {"receipt_logo": logo_from_file(logo_file)}, username="admin"
    )
    document = receipt_document(db.unit_of_work(), number)
    assert document.logo is not None

    escpos = render(document, profile_for(58, "CP437"))
    assert RASTER in escpos
    assert escpos.index(RASTER) < escpos.index(b"Tilldesk Utility Service Center")

    profile = profile_for(80, "CP437")
    roll = roll_image(layout(document, profile), profile).convert("L")
    top = roll.crop((0, 0, roll.width, 180))
    assert top.getextrema()[0] == 0  # the logo's dots are at the top of the roll

    pdf = render_pdf(document, "receipt")
    assert b"/Subtype /Image" in pdf
    pdf_without = render_pdf(plain, "receipt")
    assert b"/Subtype /Image" not in pdf_without
