"""The shift (Z) report: built from what the closed shift stored, queued to print, downloaded."""

import uuid
from collections.abc import Sequence

from app.db.tables import Shift
from app.domain.documents import (
    CashMovement,
    DenominationCount,
    Formats,
    MethodReconciliation,
    Row,
    Section,
    ShiftReportDocument,
    copy_mark,
    header_lines,
)
from app.domain.errors import UserFacingError
from app.domain.printing import DocumentKind, PrinterConfig
from app.domain.shifts import ApprovalReason, MethodTakings, ShiftStatus
from app.services.actors import actor_for
from app.services.print_queue import PrintJobView, enqueue_document, next_copy_number
from app.services.printers import auto_printer, list_printers
from app.services.shifts import find_shift, movements, takings
from app.services.unit_of_work import UnitOfWork

TITLE = "SHIFT REPORT (Z)"


def shift_report_document(
    uow: UnitOfWork, number: str | None = None, *, reprint: int = 0
) -> ShiftReportDocument:
    """The Z report of a closed shift (by number; else this terminal's latest closed one)."""
    with uow:
        shift = find_shift(uow, number, closed=True)
        if shift.status != ShiftStatus.CLOSED.value or shift.closed_at is None:
            raise UserFacingError(
                f"Shift {shift.number} is still open: its Z report is made when it closes."
            )
        counts = uow.shifts.denominations(shift.id)
        rows = uow.shifts.reconciliations(shift.id)
        settings = uow.settings()
        return compose_shift_report(
            shift,
            formats=Formats(shift.currency, settings.locale, settings.timezone),
            header=header_lines(settings.receipt_header),
            terminal_code=uow.terminals.code_of(shift.terminal_id),
            cashier=_name(uow, shift.cashier_id) or "",
            closed_by=_name(uow, shift.closed_by),
            approved_by=_name(uow, shift.approved_by),
            movements=movements(uow, shift.id),
            denominations=tuple(DenominationCount(c.label, c.value_minor, c.count) for c in counts),
            reconciliations=tuple(
                MethodReconciliation(r.label, r.payments, r.expected_minor, r.counted_minor)
                for r in rows
            ),
            takings=takings(uow, shift.id, shift.closed_at),
            reprint=reprint,
        )


def compose_shift_report(
    shift: Shift,
    *,
    formats: Formats,
    header: tuple[str, ...],
    terminal_code: str,
    cashier: str,
    closed_by: str | None,
    approved_by: str | None,
    movements: tuple[CashMovement, ...],
    denominations: tuple[DenominationCount, ...],
    reconciliations: tuple[MethodReconciliation, ...],
    takings: Sequence[MethodTakings],
    reprint: int = 0,
) -> ShiftReportDocument:
    """Decide every line of the Z report, in order, from plain values."""
    assert shift.closed_at is not None
    f = formats
    details = [
        Row("Shift No.", shift.number, strong=True),
        Row("Terminal", terminal_code),
        Row("Cashier", cashier),
        Row("Opened", f.moment(shift.opened_at)),
        Row("Closed", f.moment(shift.closed_at)),
    ]
    if closed_by and closed_by != cashier:
        details.append(Row("Closed by", closed_by))
    if approved_by:
        details.append(Row("Approved by", approved_by))
    return ShiftReportDocument(
        title=TITLE,
        number=shift.number,
        header=header,
        copy_mark=copy_mark(reprint),
        sections=tuple(
            s
            for s in (
                Section("Shift", tuple(details)),
                _payments(takings, f),
                _drawer(shift, movements, reconciliations, _cash_taken(takings), f),
                _movements(movements, f),
                _count(denominations, f),
                _reconciliation(reconciliations, f),
            )
            if s is not None
        ),
        notices=_notices(shift, approved_by, reprint, f),
        footer=("Cashier signature: ______________", "Supervisor signature: ___________"),
        shift_number=shift.number,
        terminal_code=terminal_code,
        cashier=cashier,
        opened_at=shift.opened_at,
        closed_at=shift.closed_at,
        currency=shift.currency,
        opening_float_minor=shift.opening_float_minor,
        movements=movements,
        denominations=denominations,
        reconciliations=reconciliations,
        approved_by=approved_by,
        reprint=reprint,
    )


def signed(f: Formats, minor: int) -> str:
    """A difference reads with its sign: +$2.00 over, -$2.00 short."""
    return ("+" if minor > 0 else "") + f.money(minor)


def _payments(takings: Sequence[MethodTakings], f: Formats) -> Section:
    rows = [Row(t.method, f.money(t.amount_minor), detail=_count_text(t.payments)) for t in takings]
    count = sum(t.payments for t in takings)
    rows.append(Row("Payments", str(count)))
    rows.append(Row("Total taken", f.money(sum(t.amount_minor for t in takings)), strong=True))
    return Section("Payments by method", tuple(rows))


def _cash_taken(takings: Sequence[MethodTakings]) -> int:
    return sum(t.amount_minor for t in takings if t.kind == "cash")


def _count_text(payments: int) -> str:
    return f"{payments} payment{'s' if payments != 1 else ''}"


def _drawer(
    shift: Shift,
    moves: tuple[CashMovement, ...],
    reconciliations: tuple[MethodReconciliation, ...],
    cash_taken: int,
    f: Formats,
) -> Section:
    cash = next((r for r in reconciliations if r.method == "Cash"), None)
    expected = cash.expected_minor if cash else shift.expected_cash_minor or 0
    counted = cash.counted_minor if cash else shift.counted_cash_minor or 0
    cash_in = sum(m.amount_minor for m in moves if m.amount_minor > 0)
    cash_out = -sum(m.amount_minor for m in moves if m.amount_minor < 0)
    return Section(
        "Cash drawer",
        (
            Row("Opening float", f.money(shift.opening_float_minor)),
            Row("Cash payments", f.money(cash_taken)),
            Row("Cash in", f.money(cash_in)),
            Row("Cash out", f.money(-cash_out) if cash_out else f.money(0)),
            Row("Expected cash", f.money(expected), strong=True),
            Row("Counted cash", f.money(counted), strong=True),
            Row("Cash difference", signed(f, counted - expected), strong=True),
        ),
    )


def _movements(moves: tuple[CashMovement, ...], f: Formats) -> Section | None:
    if not moves:
        return None
    rows = tuple(
        Row(
            "Cash in" if m.amount_minor > 0 else "Cash out",
            f.money(m.amount_minor),
            detail=f"{f.time(m.at)} {m.reason} ({m.by})",
        )
        for m in moves
    )
    return Section("Cash in and out", rows)


def _count(denominations: tuple[DenominationCount, ...], f: Formats) -> Section:
    rows = [Row(f"{c.label} x {c.count}", f.money(c.total_minor)) for c in denominations if c.count]
    if not rows:
        rows.append(Row("No cash in the drawer"))
    rows.append(
        Row("Counted cash", f.money(sum(c.total_minor for c in denominations)), strong=True)
    )
    return Section("Cash count", tuple(rows))


def _reconciliation(rows: tuple[MethodReconciliation, ...], f: Formats) -> Section:
    lines = [
        Row(
            r.method,
            signed(f, r.difference_minor),
            detail=f"Expected {f.money(r.expected_minor)}, counted {f.money(r.counted_minor)}",
        )
        for r in rows
        if r.method == "Cash" or r.payments or r.expected_minor or r.counted_minor
    ]
    lines.append(Row("Expected", f.money(sum(r.expected_minor for r in rows))))
    lines.append(Row("Counted", f.money(sum(r.counted_minor for r in rows))))
    lines.append(Row("Difference", signed(f, sum(r.difference_minor for r in rows)), strong=True))
    return Section("Expected and counted", tuple(lines))


def _notices(shift: Shift, approved_by: str | None, reprint: int, f: Formats) -> tuple[str, ...]:
    notices = []
    reasons = set((shift.approval_reasons or "").split(","))
    if approved_by and ApprovalReason.DIFFERENCE.value in reasons:
        notices.append(f"Difference approved by {approved_by}.")
    if shift.unsent_at_close:
        noun = "payment" if shift.unsent_at_close == 1 else "payments"
        by = f" (approved by {approved_by})" if approved_by else ""
        notices.append(f"Closed with {shift.unsent_at_close} {noun} not yet sent{by}.")
    if reprint:
        notices.append(f"Reprint {reprint}")
    return tuple(notices)


def _name(uow: UnitOfWork, user_id: uuid.UUID | None) -> str | None:
    if user_id is None:
        return None
    user = uow.users.get(user_id)
    return user.full_name if user else None


# -- printing and downloading ------------------------------------------------------------
def shift_report_printer(uow: UnitOfWork) -> PrinterConfig | None:
    """The printer that prints Z reports by itself, else the counter's first enabled one:
    the drawer's paperwork is always printed when there is a printer at all."""
    chosen = auto_printer(uow, DocumentKind.SHIFT_REPORT)
    if chosen is not None:
        return chosen
    return next((p for p in list_printers(uow) if p.enabled), None)


def enqueue_shift_report(
    uow: UnitOfWork, report: ShiftReportDocument, *, user_id: uuid.UUID | None
) -> PrintJobView | None:
    """The original Z report, in the close's own transaction."""
    printer = shift_report_printer(uow)
    if printer is None:
        return None
    return enqueue_document(
        uow, DocumentKind.SHIFT_REPORT, report, printer=printer, user_id=user_id, copy_number=0
    )


def print_shift_report(
    uow: UnitOfWork, number: str | None = None, *, username: str | None = None
) -> PrintJobView:
    """Queue the Z report again: the original if it never went to a printer, else a COPY."""
    with uow:
        actor = actor_for(uow, username, "work_shift")
        printer = shift_report_printer(uow)
        if printer is None:
            raise UserFacingError(
                "This counter has no printer set up: add one in Settings > Printers "
                "(tilldesk printers add)."
            )
        shift_number = find_shift(uow, number, closed=True).number
        copy = next_copy_number(uow, DocumentKind.SHIFT_REPORT, shift_number)
        report = shift_report_document(uow, shift_number, reprint=copy)
        job = enqueue_document(
            uow,
            DocumentKind.SHIFT_REPORT,
            report,
            printer=printer,
            user_id=actor.user_id,
            copy_number=copy,
        )
        uow.commit()
        return job


def shift_report_for_download(
    uow: UnitOfWork, number: str | None = None, *, file_format: str, username: str | None = None
) -> ShiftReportDocument:
    """The Z report to save as a file, audited like every other download."""
    with uow:
        actor = actor_for(uow, username, "work_shift")
        report = shift_report_document(uow, number)
        shift = find_shift(uow, report.number)
        uow.audit(
            user_id=actor.user_id,
            action="shift_report.downloaded",
            entity="shift",
            entity_id=shift.id,
            after={"shift_number": report.number, "format": file_format},
        )
        uow.commit()
        return report
