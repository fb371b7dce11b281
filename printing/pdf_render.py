"""Draw a document as a PDF (A4, Letter or an 80 mm receipt page) with embedded Unicode fonts."""

import base64
import io
from functools import cache
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.domain.documents import PrintDocument, Row, Section
from printing import FONT_DIR

REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
PAGES = {"A4": A4, "Letter": LETTER}
RECEIPT_WIDTH = 80 * mm
_RECEIPT_MARGIN = 4 * mm
_COLUMN_ON_PAGE = 120 * mm  # a receipt reads as a column, also on a full page
_TALL = 5000 * mm
_GREY = colors.HexColor("#555555")
_FRAME_PADDING = 6  # points, on each side of a platypus frame
_LOGO_DOT = 25.4 / 203 * mm  # the logo is sized in thermal-printer dots (203 dpi)


@cache
def register_fonts() -> None:
    """Embed DejaVu Sans: every currency sign and name prints, and the text stays selectable."""
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)


def render_pdf(doc: PrintDocument, page: str = "A4") -> bytes:
    """The document as PDF bytes; page is 'A4', 'Letter' or 'receipt' (80 mm wide roll)."""
    register_fonts()
    if page == "receipt":
        return _receipt_page(doc)
    if page not in PAGES:
        raise ValueError(f"Page must be A4, Letter or receipt, not '{page}'.")
    width, height = PAGES[page]
    side = (width - _COLUMN_ON_PAGE) / 2
    return _build(doc, (width, height), side, 20 * mm, base_size=10)


def _receipt_page(doc: PrintDocument) -> bytes:
    """Lay out on a very tall page, see where the story ended, then build it that tall."""
    marker = _EndMarker()
    _build(doc, (RECEIPT_WIDTH, _TALL), _RECEIPT_MARGIN, _RECEIPT_MARGIN, 8, marker)
    used = _TALL - marker.y_from_bottom + _RECEIPT_MARGIN
    size = (RECEIPT_WIDTH, used + _RECEIPT_MARGIN)
    return _build(doc, size, _RECEIPT_MARGIN, _RECEIPT_MARGIN, base_size=8)


def _build(
    doc: PrintDocument,
    size: tuple[float, float],
    side: float,
    top: float,
    base_size: float,
    marker: Flowable | None = None,
) -> bytes:
    out = io.BytesIO()
    template = SimpleDocTemplate(
        out,
        pagesize=size,
        leftMargin=side,
        rightMargin=side,
        topMargin=top,
        bottomMargin=top,
        title=f"{doc.title.title()} {doc.number}",
        author="Tilldesk",
        creator="Tilldesk",
        subject=doc.title.title(),
        initialFontName=REGULAR,  # else the page preamble names Helvetica, never embedded
    )
    story = _Story(size[0] - 2 * side - 2 * _FRAME_PADDING, base_size).build(doc)
    if marker is not None:
        story.append(marker)
    template.build(story)
    return out.getvalue()


class _EndMarker(Flowable):
    """Remembers how far down the page the story ended."""

    y_from_bottom = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return (0, 0)

    def draw(self) -> None:
        self.y_from_bottom = self.canv.absolutePosition(0, 0)[1]


class _Story:
    def __init__(self, width: float, size: float) -> None:
        self.width = width
        self.size = size
        self.text = ParagraphStyle("text", fontName=REGULAR, fontSize=size, leading=size * 1.3)
        self.center = ParagraphStyle("center", parent=self.text, alignment=TA_CENTER)
        self.right = ParagraphStyle("right", parent=self.text, alignment=TA_RIGHT)
        self.heading = ParagraphStyle(
            "heading", parent=self.text, fontName=BOLD, spaceBefore=size * 0.6
        )

    def para(self, text: str, style: ParagraphStyle, **changes: object) -> Paragraph:
        if changes:
            style = ParagraphStyle(f"{style.name}+", parent=style, **changes)
        return Paragraph(escape(text), style)

    def build(self, doc: PrintDocument) -> list[Flowable]:
        story: list[Flowable] = []
        if doc.logo:
            story.append(_centered(_logo(doc.logo, self.width), self.width))
        big = self.size * 1.4
        for index, line in enumerate(doc.header):
            if index == 0:
                story.append(
                    self.para(line, self.center, fontName=BOLD, fontSize=big, leading=big * 1.25)
                )
            else:
                story.append(self.para(line, self.center))
        title = self.size * 1.8
        story.append(Spacer(1, self.size * 0.6))
        story.append(
            self.para(doc.title, self.center, fontName=BOLD, fontSize=title, leading=title * 1.2)
        )
        if doc.copy_mark:
            story.append(self.para(f"*** {doc.copy_mark} ***", self.center, fontName=BOLD))
        for section in doc.sections:
            story += self.section(section)
        if doc.notices:
            story.append(self.rule())
            story += [self.para(n, self.text, textColor=_GREY) for n in doc.notices]
        story.append(self.rule())
        story += self.codes(doc)
        if doc.footer:
            story.append(Spacer(1, self.size * 0.6))
        story += [self.para(line, self.center) for line in doc.footer]
        return story

    def rule(self) -> HRFlowable:
        return HRFlowable(
            width="100%", thickness=0.5, color=colors.black, spaceBefore=3, spaceAfter=2
        )

    def section(self, section: Section) -> list[Flowable]:
        cells: list[list[Flowable]] = []
        style: list[tuple[object, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # a table's default is Helvetica
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
        ]
        for row in section.rows:
            font = BOLD if row.strong else REGULAR
            label = self.para(row.label, self.text, fontName=font)
            if row.value:
                cells.append([label, self.para(row.value, self.right, fontName=font)])
            else:  # free text (notes) takes the whole width
                style.append(("SPAN", (0, len(cells)), (1, len(cells))))
                cells.append([label, Spacer(0, 0)])
            if row.detail:
                small = self.size * 0.85
                detail = self.para(
                    row.detail, self.text, fontSize=small, leading=small * 1.3, textColor=_GREY
                )
                style.append(("SPAN", (0, len(cells)), (1, len(cells))))
                cells.append([detail, Spacer(0, 0)])
        widths = [self.label_width(r) for r in section.rows]
        label_width = min(self.width * 0.6, max(widths))
        table = Table(cells, colWidths=[label_width, self.width - label_width])
        table.setStyle(TableStyle(style))
        return [self.rule(), self.para(section.title.upper(), self.heading), table]

    def label_width(self, row: Row) -> float:
        """Room for the label on one line; what is left is the value's."""
        if not row.value:
            return 0.0
        font = BOLD if row.strong else REGULAR
        return pdfmetrics.stringWidth(row.label, font, self.size) + self.size

    def codes(self, doc: PrintDocument) -> list[Flowable]:
        flowables: list[Flowable] = []
        if doc.qr_payload:
            flowables.append(_centered(_qr(doc.qr_payload, 26 * mm), self.width))
        if doc.barcode_data:
            bar_width = min(0.3 * mm, self.width / (11 * (len(doc.barcode_data) + 2) + 33))
            barcode = Code128(
                doc.barcode_data, barWidth=bar_width, barHeight=9 * mm, humanReadable=False
            )
            flowables.append(_centered(barcode, self.width))
            flowables.append(self.para(doc.barcode_data, self.center))
        if doc.verification_caption:
            flowables.append(self.para(doc.verification_caption, self.center))
        return flowables


def _qr(payload: str, side: float) -> Drawing:
    widget = QrCodeWidget(payload, barLevel="M", barBorder=2)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.initialFontName = REGULAR  # the renderer would otherwise name Helvetica
    drawing.add(widget)
    return drawing


def _logo(logo: str, width: float) -> Image:
    """The receipt logo at the size it prints on paper, narrower if the column is."""
    image = Image(io.BytesIO(base64.b64decode(logo)))
    scale = min(_LOGO_DOT, width / image.imageWidth)
    image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
    return image


def _centered(flowable: Flowable, width: float) -> Table:
    table = Table([[flowable]], colWidths=[width])
    table.setStyle(
        TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("FONTNAME", (0, 0), (-1, -1), REGULAR)])
    )
    return table
