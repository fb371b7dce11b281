"""What the payments and credit-notes lists show, every matching row, as a table report."""

from collections.abc import Callable
from dataclasses import fields, replace

from app.domain.errors import UserFacingError
from app.domain.table_report import Cell, Column, ColumnKind, TableReport
from app.services.credit_notes_list import CreditNoteQuery, find_credit_notes
from app.services.payments_list import MAX_LIMIT, PaymentQuery, list_payments
from app.services.unit_of_work import UnitOfWork

ReadUnit = Callable[[], UnitOfWork]  # a fresh read-only unit of work per page
MAX_ROWS = 2_000_000  # a whole year of a busy center; a larger export is refused, not cut

PAYMENT_COLUMNS = (
    Column("Receipt No."),
    Column("Payment date", ColumnKind.DATE),
    Column("Recorded", ColumnKind.MOMENT),
    Column("Consumer"),
    Column("Account No."),
    Column("Amount", ColumnKind.MONEY),
    Column("Method"),
    Column("Channel"),
    Column("Type"),
    Column("Status"),
    Column("Verification"),
    Column("Cashier"),
)
CREDIT_NOTE_COLUMNS = (
    Column("Credit note"),
    Column("Created", ColumnKind.DATE),
    Column("Consumer"),
    Column("Account No."),
    Column("Amount", ColumnKind.MONEY),
    Column("Applied", ColumnKind.MONEY),
    Column("Remaining", ColumnKind.MONEY),
    Column("Reason"),
    Column("Status"),
    Column("Expires", ColumnKind.DATE),
    Column("Receipt No."),
    Column("Created by"),
)


def payments_report(read: ReadUnit, query: PaymentQuery) -> TableReport:
    """Every payment the query matches, newest first, page by page on the list's own index."""
    rows: list[tuple[Cell, ...]] = []
    page_query = replace(query, limit=MAX_LIMIT, after=None)
    while True:
        page = list_payments(read(), page_query)
        rows.extend(
            (
                r.receipt_number,
                r.payment_date,
                r.recorded_at,
                r.consumer_name,
                r.account_number,
                r.amount_minor,
                r.method,
                r.channel,
                r.payment_type,
                r.status,
                r.verification,
                r.cashier or "System",
            )
            for r in page.rows
        )
        _refuse_huge(len(rows))
        if page.next_after is None:
            break
        page_query = replace(page_query, after=page.next_after)
    return _report(
        read, "Payments", _described(query, skip={"limit", "after"}), PAYMENT_COLUMNS, rows
    )


def credit_notes_report(read: ReadUnit, query: CreditNoteQuery) -> TableReport:
    rows: list[tuple] = []
    while True:
        notes = find_credit_notes(read(), query, limit=MAX_LIMIT, offset=len(rows))
        rows.extend(
            (
                n.number,
                n.created_on,
                n.consumer_name,
                n.account_number,
                n.amount_minor,
                n.applied_minor,
                n.remaining_minor,
                n.reason,
                n.status,
                n.expires_on,
                n.receipt_number,
                n.created_by,
            )
            for n in notes
        )
        _refuse_huge(len(rows))
        if len(notes) < MAX_LIMIT:
            break
    return _report(read, "Credit notes", _described(query), CREDIT_NOTE_COLUMNS, rows)


def _report(
    read: ReadUnit, title: str, filters: str, columns: tuple[Column, ...], rows: list[tuple]
) -> TableReport:
    with read() as uow:
        settings, now = uow.settings(), uow.now()
    return TableReport(
        title=title,
        filters=filters,
        columns=columns,
        rows=tuple(rows),
        currency=settings.currency,
        locale=settings.locale,
        timezone=settings.timezone,
        generated_at=now,
    )


def _described(query: object, skip: set[str] | None = None) -> str:
    """The filters in force, as the list's header says them ("Status: Posted · Method: Cash")."""
    parts = []
    for field in fields(query):  # type: ignore[arg-type]
        value = getattr(query, field.name)
        if field.name in (skip or set()) or value in (None, "", ()):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, tuple) else str(value)
        parts.append(f"{field.name.replace('_', ' ').capitalize()}: {shown}")
    return " · ".join(parts) or "All"


def _refuse_huge(count: int) -> None:
    if count > MAX_ROWS:
        raise UserFacingError(
            f"More than {MAX_ROWS:,} rows match: narrow the dates or filters and export again."
        )
