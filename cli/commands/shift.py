"""`tilldesk shift open|cash-in|cash-out|status|close|report`: the drawer from the command line."""

from __future__ import annotations

from argparse import Namespace, _SubParsersAction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.documents import Formats, PrintDocument
from app.domain.errors import UserFacingError
from app.domain.money import format_money
from app.domain.shifts import parse_count
from cli.context import add_user_option, open_db
from cli.output import emit_json, emit_pairs, emit_table, money

if TYPE_CHECKING:
    from app.services.shift_close import CloseFigures
    from app.services.shifts import ShiftView


def register(sub: _SubParsersAction, common: list) -> None:
    shift = sub.add_parser("shift", help="open, count and close the cash drawer's shift")
    verbs = shift.add_subparsers(dest="verb", required=True)
    opening = verbs.add_parser("open", parents=common, help="open a shift with a float")
    opening.add_argument("--float", dest="opening_float", required=True, metavar="AMOUNT")
    add_user_option(opening)
    opening.set_defaults(run=run_open)
    for verb, helptext, run in (
        ("cash-in", "put cash into the drawer", run_cash_in),
        ("cash-out", "take cash out of the drawer", run_cash_out),
    ):
        move = verbs.add_parser(verb, parents=common, help=helptext)
        move.add_argument("amount")
        move.add_argument("--reason", required=True)
        add_user_option(move)
        move.set_defaults(run=run)
    status = verbs.add_parser("status", parents=common, help="the open shift and its totals")
    status.set_defaults(run=run_status)
    close = verbs.add_parser("close", parents=common, help="count the drawer and close")
    close.add_argument(
        "--count", action="append", default=[], metavar="FACExPIECES", help="e.g. 20x5"
    )
    close.add_argument(
        "--total", action="append", default=[], metavar="METHOD=AMOUNT", help="e.g. card=45.00"
    )
    close.add_argument("--supervisor", help="supervisor who approves a difference")
    close.add_argument("--supervisor-pin")
    add_user_option(close)
    close.set_defaults(run=run_close)
    report = verbs.add_parser("report", parents=common, help="the Z report of a closed shift")
    report.add_argument("number", nargs="?", help="shift number (default: the latest)")
    report.add_argument("--pdf", type=Path, metavar="FILE", help="save as PDF")
    report.add_argument("--page", default="A4", choices=("A4", "Letter", "receipt"))
    add_user_option(report, when=lambda args: args.pdf is not None)
    report.set_defaults(run=run_report)


def run_open(args: Namespace) -> int:
    from app.services.shifts import open_shift

    view = open_shift(
        open_db(args).unit_of_work(), opening_float=args.opening_float, username=args.user
    )
    return _show(args, view, f"Shift {view.number} opened for {view.cashier}.")


def run_cash_in(args: Namespace) -> int:
    from app.services.shifts import cash_in

    db = open_db(args)
    view = cash_in(db.unit_of_work(), amount=args.amount, reason=args.reason, username=args.user)
    return _show(args, view, f"Cash in recorded on shift {view.number}.")


def run_cash_out(args: Namespace) -> int:
    from app.services.shifts import cash_out

    db = open_db(args)
    view = cash_out(db.unit_of_work(), amount=args.amount, reason=args.reason, username=args.user)
    return _show(args, view, f"Cash out recorded on shift {view.number}.")


def run_status(args: Namespace) -> int:
    from app.services.shifts import current_shift

    view = current_shift(open_db(args).read())
    if view is None:
        if args.json:
            emit_json({"status": "none"})
        else:
            print("No shift is open on this terminal (tilldesk shift open --float AMOUNT).")
        return 0
    return _show(args, view, None)


def run_close(args: Namespace) -> int:
    from app.services.settings import current_settings
    from app.services.shift_close import CloseRequest, close_shift

    db = open_db(args)
    currency = current_settings(db.read()).currency
    closed = close_shift(
        db.unit_of_work(),
        CloseRequest(
            cash_counts=parse_counts(args.count, currency),
            totals=parse_totals(args.total),
            username=args.user,
            supervisor=args.supervisor,
            supervisor_pin=args.supervisor_pin,
        ),
    )
    figures = closed.figures
    if args.json:
        emit_json(
            {
                "number": closed.number,
                "status": "closed",
                **figures_json(figures),
                "approved_by": closed.approved_by,
                "print_job": str(closed.print_job.job_id) if closed.print_job else None,
            }
        )
        return 0
    print(f"Shift {closed.number} closed.")
    _figures_table(figures, current_settings(db.read()).locale)
    if closed.approved_by:
        print(f"Approved by {closed.approved_by}.")
    if closed.print_job:
        print(f"Z report queued on '{closed.print_job.printer_name}'.")
    return 0


def run_report(args: Namespace) -> int:
    from app.services.runtime import counter_for
    from app.services.shift_report import shift_report_document

    db = open_db(args)
    if args.pdf:
        from cli.wiring.printing import save_file, shift_report_pdf  # renderers load slowly

        number, data = shift_report_pdf(
            counter_for(db), args.number, page=args.page, username=args.user
        )
        saved = save_file(data, args.pdf)
        if args.json:
            emit_json({"number": number, "pdf": str(saved)})
        else:
            print(f"Saved the Z report of {number} as PDF ({args.page}) to {saved}.")
        return 0
    report = shift_report_document(db.read(), args.number)
    if args.json:
        emit_json(
            {
                "number": report.number,
                "sections": [
                    {"title": s.title, "rows": [[r.label, r.value, r.detail] for r in s.rows]}
                    for s in report.sections
                ],
                "notices": list(report.notices),
            }
        )
    else:
        print_document(report)
    return 0


def parse_counts(texts: list[str], currency: str) -> dict[int, int]:
    counts: dict[int, int] = {}
    for text in texts:
        value, pieces = parse_count(text, currency)
        if value in counts:
            raise UserFacingError(f"'{text}' counts a note or coin already counted.")
        counts[value] = pieces
    return counts


def parse_totals(texts: list[str]) -> dict[str, str]:
    totals: dict[str, str] = {}
    for text in texts:
        method, sep, amount = text.partition("=")
        if not sep or not method.strip():
            raise UserFacingError(f"Write a total as METHOD=AMOUNT, like card=45.00, not '{text}'.")
        if method.strip().casefold() in totals:
            raise UserFacingError(f"The {method.strip()} total is given twice.")
        totals[method.strip().casefold()] = amount
    return totals


def shift_json(view: ShiftView) -> dict[str, Any]:
    cur = view.currency
    return {
        "number": view.number,
        "status": view.status.value,
        "terminal": view.terminal_code,
        "cashier": view.cashier_username,
        "opened_at": view.opened_at,
        "opening_float": money(view.opening_float_minor, cur),
        "cash_in": money(view.cash_in_minor, cur),
        "cash_out": money(view.cash_out_minor, cur),
        "payments": view.payments,
        "taken": money(view.taken_minor, cur),
        "expected_cash": money(view.expected_cash_minor, cur),
        "unsent_payments": view.unsent_payments,
        "by_method": [
            {
                "method": t.method,
                "kind": t.kind,
                "payments": t.payments,
                "amount": money(t.amount_minor, cur),
            }
            for t in view.takings
        ],
    }


def figures_json(figures: CloseFigures) -> dict[str, Any]:
    cur = figures.currency
    return {
        "expected_cash": money(figures.expected_cash_minor, cur),
        "counted_cash": money(figures.counted_cash_minor, cur),
        "difference": money(figures.difference_minor, cur),
        "reconciliation": [
            {
                "method": r.method,
                "payments": r.payments,
                "expected": money(r.expected_minor, cur),
                "counted": money(r.counted_minor, cur),
                "difference": money(r.difference_minor, cur),
            }
            for r in figures.reconciliations
        ],
    }


def _show(args: Namespace, view: ShiftView, message: str | None) -> int:
    from app.services.settings import current_settings

    if args.json:
        emit_json(shift_json(view))
        return 0
    if message:
        print(message)
    settings = current_settings(open_db(args).read())
    f = Formats(view.currency, settings.locale, settings.timezone)
    fmt = f.money

    emit_pairs(
        [
            ("Shift", f"{view.number} ({view.status.value})"),
            ("Cashier", view.cashier),
            ("Opened", f.moment(view.opened_at)),
            ("Opening float", fmt(view.opening_float_minor)),
            ("Cash in", fmt(view.cash_in_minor)),
            ("Cash out", fmt(view.cash_out_minor)),
            ("Payments", f"{view.payments} ({fmt(view.taken_minor)})"),
            ("Expected cash", fmt(view.expected_cash_minor)),
            ("Not sent yet", str(view.unsent_payments)),
        ]
    )
    return 0


def _figures_table(figures: CloseFigures, locale: str) -> None:
    def fmt(minor: int) -> str:
        return format_money(minor, figures.currency, locale)

    emit_table(
        ["Method", "Payments", "Expected", "Counted", "Difference"],
        [
            [
                r.method,
                str(r.payments),
                fmt(r.expected_minor),
                fmt(r.counted_minor),
                fmt(r.difference_minor),
            ]
            for r in figures.reconciliations
        ],
        right=frozenset({1, 2, 3, 4}),
    )


def print_document(document: PrintDocument) -> None:
    """A document's lines as plain text: what the paper says, for a terminal window."""
    print(document.title)
    print(document.number)
    for section in document.sections:
        print()
        print(section.title.upper())
        width = max((len(r.label) + len(r.value) for r in section.rows), default=0) + 2
        for row in section.rows:
            gap = " " * max(2, width - len(row.label) - len(row.value))
            print(f"  {row.label}{gap}{row.value}".rstrip())
            if row.detail:
                print(f"    {row.detail}")
    for notice in document.notices:
        print()
        print(notice)
