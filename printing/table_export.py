"""A table report rendered as CSV, XLSX or PDF bytes: what the list showed, typed as it was."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.domain.money import format_money, minor_digits, to_decimal
from app.domain.table_report import Cell, ColumnKind, TableReport
from printing.pdf_render import BOLD, REGULAR, register_fonts


def render_table(report: TableReport, file_format: str) -> bytes:
    """The report as a file of that format ('csv', 'xlsx' or 'pdf')."""
    renderers = {"csv": render_csv, "xlsx": render_xlsx, "pdf": render_table_pdf}
    return renderers[file_format](report)


def render_csv(report: TableReport) -> bytes:
    """Plain values a spreadsheet or a script reads back: decimal amounts, ISO dates."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([column.title for column in report.columns])
    for row in report.rows:
        writer.writerow([_plain(report, kind, cell) for kind, cell in _typed(report, row)])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8 names right


def render_xlsx(report: TableReport) -> bytes:
    """Numbers as numbers and dates as dates, so the sheet sums and sorts without retyping."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(report.title[:31])
    bold = Font(bold=True)
    sheet.append([_bold(sheet, report.title, bold)])
    sheet.append(
        [f"Filters: {report.filters}", f"Generated {_moment(report, report.generated_at)}"]
    )
    sheet.append([_bold(sheet, column.title, bold) for column in report.columns])
    money_format = "#,##0." + "0" * _decimals(report)
    for row in report.rows:
        cells = []
        for kind, value in _typed(report, row):
            cell = WriteOnlyCell(sheet, value=_xlsx_value(report, kind, value))
            if kind is ColumnKind.MONEY:
                cell.number_format = money_format
            elif kind is ColumnKind.DATE:
                cell.number_format = "yyyy-mm-dd"
            elif kind is ColumnKind.MOMENT:
                cell.number_format = "yyyy-mm-dd hh:mm"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_table_pdf(report: TableReport) -> bytes:
    """A landscape A4 listing with the filters on top, the header repeated on every page and
    the money columns totalled at the end."""
    register_fonts()
    small = ParagraphStyle("cell", fontName=REGULAR, fontSize=7, leading=8.5)
    amount = ParagraphStyle("amount", parent=small, alignment=TA_RIGHT)
    heading = ParagraphStyle("title", fontName=BOLD, fontSize=13, leading=16)
    note = ParagraphStyle("note", fontName=REGULAR, fontSize=8, leading=10)
    header = [Paragraph(f"<b>{escape(c.title)}</b>", small) for c in report.columns]
    body = [
        [
            Paragraph(
                escape(_shown(report, kind, cell)), amount if kind is ColumnKind.MONEY else small
            )
            for kind, cell in _typed(report, row)
        ]
        for row in report.rows
    ]
    totals = report.money_totals
    total_row = [
        Paragraph(
            f"<b>{escape(format_money(totals[i], report.currency, report.locale))}</b>", amount
        )
        if i in totals
        else Paragraph("<b>Total</b>" if i == 0 else "", small)
        for i in range(len(report.columns))
    ]
    table = Table([header, *body, total_row], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.HexColor("#f2f4f7")]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=10 * mm,
        bottomMargin=10 * mm,
        title=report.title,
    )
    count = f"{len(report.rows):,} row{'s' if len(report.rows) != 1 else ''}"
    document.build(
        [
            Paragraph(escape(report.title), heading),
            Paragraph(
                escape(
                    f"{report.filters} · {count} · generated {_moment(report, report.generated_at)}"
                ),
                note,
            ),
            Spacer(1, 4 * mm),
            table,
        ]
    )
    return out.getvalue()


# -- cells ----------------------------------------------------------------------------------
def _typed(report: TableReport, row: tuple[Cell, ...]) -> list[tuple[ColumnKind, Cell]]:
    return [(column.kind, cell) for column, cell in zip(report.columns, row, strict=True)]


def _plain(report: TableReport, kind: ColumnKind, cell: Cell) -> str:
    if cell is None:
        return ""
    if kind is ColumnKind.MONEY:
        return str(to_decimal(int(cell), report.currency))  # type: ignore[arg-type]
    if kind is ColumnKind.MOMENT and isinstance(cell, datetime):
        return _local(report, cell).isoformat(timespec="seconds")
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def _shown(report: TableReport, kind: ColumnKind, cell: Cell) -> str:
    if cell is None:
        return ""
    if kind is ColumnKind.MONEY:
        return format_money(int(cell), report.currency, report.locale)  # type: ignore[arg-type]
    if kind is ColumnKind.MOMENT and isinstance(cell, datetime):
        return _moment(report, cell)
    if isinstance(cell, date):
        return format_date(cell, format="medium", locale=report.locale)
    return str(cell)


def _xlsx_value(report: TableReport, kind: ColumnKind, cell: Cell) -> object:
    if cell is None:
        return None
    if kind is ColumnKind.MONEY:
        return Decimal(to_decimal(int(cell), report.currency))  # type: ignore[arg-type]
    if kind is ColumnKind.MOMENT and isinstance(cell, datetime):
        return _local(report, cell).replace(tzinfo=None)  # Excel has no time zones
    return cell


def _local(report: TableReport, moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(report.timezone))


def _moment(report: TableReport, moment: datetime) -> str:
    return format_datetime(_local(report, moment), format="medium", locale=report.locale)


def _decimals(report: TableReport) -> int:
    return minor_digits(report.currency)


def _bold(sheet: object, value: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell
