"""`tilldesk payments export` and `tilldesk credit-notes export`: a list as CSV, XLSX or PDF."""

from argparse import ArgumentParser, Namespace
from datetime import date
from pathlib import Path

from app.domain.errors import UserFacingError
from app.domain.table_report import FORMATS, TableReport
from app.services.payments_list import SYSTEM_CASHIER
from cli.context import open_db
from cli.output import emit_json


def add_payments_export(verbs: object, common: list) -> None:
    export = verbs.add_parser(  # type: ignore[attr-defined]
        "export", parents=common, help="every payment the filters match, as CSV, XLSX or PDF"
    )
    _file_arguments(export)
    export.add_argument("--search", help="consumer name, receipt number or account")
    export.add_argument("--method")
    export.add_argument("--status")
    export.add_argument("--type")
    export.add_argument("--channel")
    export.add_argument("--cashier", help=f"a user name, or {SYSTEM_CASHIER}")
    export.add_argument("--from", dest="date_from", type=date.fromisoformat)
    export.add_argument("--to", dest="date_to", type=date.fromisoformat)
    export.set_defaults(run=run_payments_export)


def add_credit_notes_export(verbs: object, common: list) -> None:
    export = verbs.add_parser(  # type: ignore[attr-defined]
        "export", parents=common, help="every credit note the filters match, CSV/XLSX/PDF"
    )
    _file_arguments(export)
    export.add_argument("--search")
    export.add_argument("--status", help="All, Active, Applied, Expired, Cancelled ...")
    export.add_argument("--account", help="one consumer's account number")
    export.add_argument("--from", dest="date_from", type=date.fromisoformat)
    export.add_argument("--to", dest="date_to", type=date.fromisoformat)
    export.set_defaults(run=run_credit_notes_export)


def _file_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="where to write it (.csv, .xlsx or .pdf)")
    parser.add_argument("--format", choices=FORMATS, help="default: from the file's extension")


def run_payments_export(args: Namespace) -> int:
    from app.services.list_exports import payments_report
    from app.services.payments_list import PaymentQuery

    query = PaymentQuery(
        search=args.search,
        method=args.method,
        status=args.status,
        payment_type=args.type,
        date_from=args.date_from,
        date_to=args.date_to,
        channel=args.channel,
        cashier=args.cashier,
    )
    file_format = _format(args)
    return _written(args, payments_report(open_db(args).read, query), file_format)


def run_credit_notes_export(args: Namespace) -> int:
    from app.services.credit_notes_list import CreditNoteQuery
    from app.services.list_exports import credit_notes_report

    created = "Custom" if args.date_from or args.date_to else None
    query = CreditNoteQuery(
        search=args.search,
        status=args.status,
        account_number=args.account,
        created=created,
        date_from=args.date_from,
        date_to=args.date_to,
    )
    file_format = _format(args)
    return _written(args, credit_notes_report(open_db(args).read, query), file_format)


def _format(args: Namespace) -> str:
    chosen = args.format or args.file.suffix.lstrip(".").lower()
    if chosen not in FORMATS:
        suffix = args.file.suffix or "nothing"
        raise UserFacingError(
            f"Say the format with --format csv, xlsx or pdf (the file name ends in {suffix})."
        )
    return chosen


def _written(args: Namespace, report: TableReport, file_format: str) -> int:
    from cli.wiring.printing import save_file  # the one whole-or-nothing file writer
    from printing.table_export import render_table  # reportlab and openpyxl: only now

    path = save_file(render_table(report, file_format), args.file)
    if args.json:
        emit_json({"file": str(path), "format": file_format, "rows": len(report.rows)})
    else:
        rows = f"{len(report.rows):,} row{'' if len(report.rows) == 1 else 's'}"
        print(f"Saved {report.title} ({report.filters}): {rows} to {path}.")
    return 0
