"""`tilldesk credit-notes create|list|apply|show|print`."""

from __future__ import annotations

from argparse import Namespace, _SubParsersAction
from typing import TYPE_CHECKING

from app.domain.money import format_money
from cli.commands.exports import add_credit_notes_export
from cli.commands.printing import add_output_options, deliver, runtime
from cli.context import add_user_option, open_db
from cli.output import emit_json, emit_pairs, emit_table, money

if TYPE_CHECKING:
    from app.services.credit_notes_list import CreditNoteRow


def register(sub: _SubParsersAction, common: list) -> None:
    notes = sub.add_parser("credit-notes", help="create, list, show and apply credit notes")
    verbs = notes.add_subparsers(dest="verb", required=True)
    create = verbs.add_parser("create", parents=common, help="credit note from a payment")
    create.add_argument("--receipt", required=True)
    create.add_argument("--amount", required=True)
    create.add_argument("--reason", required=True)
    create.add_argument("--remarks")
    add_user_option(create)
    create.set_defaults(run=run_create)
    listing = verbs.add_parser("list", parents=common, help="newest first")
    listing.add_argument("--search")
    listing.add_argument("--status", help="All, Active, Applied, Expired or Cancelled")
    listing.add_argument("--limit", type=int, default=100)
    listing.set_defaults(run=run_list)
    add_credit_notes_export(verbs, common)
    show = verbs.add_parser("show", parents=common, help="details and application history")
    show.add_argument("number")
    show.set_defaults(run=run_show)
    apply = verbs.add_parser("apply", parents=common, help="use credit on a bill or service")
    apply.add_argument("number")
    apply.add_argument("--to", required=True, help="invoice, service charge or PLAN/N")
    apply.add_argument("--amount", required=True)
    add_user_option(apply)
    apply.set_defaults(run=run_apply)
    printout = verbs.add_parser("print", parents=common, help="print, or save as PDF or ESC/POS")
    printout.add_argument("number")
    add_output_options(printout)
    printout.set_defaults(run=run_print)


def run_create(args: Namespace) -> int:
    from app.services.credit_notes import create_credit_note
    from app.services.settings import current_settings

    db = open_db(args)
    note = create_credit_note(
        db.unit_of_work(),
        receipt=args.receipt,
        amount=args.amount,
        reason=args.reason,
        remarks=args.remarks,
        username=args.user,
    )
    if args.json:
        emit_json(
            {
                "number": note.number,
                "amount": money(note.amount_minor, note.currency),
                "currency": note.currency,
                "reason": note.reason,
                "expires_on": note.expires_on,
                "status": note.status,
            }
        )
        return 0
    locale = current_settings(db.read()).locale
    print(
        f"Credit note {note.number} for {format_money(note.amount_minor, note.currency, locale)}"
        f" ({note.reason}), expires {note.expires_on}."
    )
    return 0


def note_json(n: CreditNoteRow) -> dict:
    cur = n.currency
    return {
        "number": n.number,
        "consumer_name": n.consumer_name,
        "account_number": n.account_number,
        "amount": money(n.amount_minor, cur),
        "applied": money(n.applied_minor, cur),
        "remaining": money(n.remaining_minor, cur),
        "usage_percent": str(n.usage_percent),
        "currency": cur,
        "reason": n.reason,
        "status": n.status,
        "created_at": n.created_at,
        "expires_on": n.expires_on,
        "receipt_number": n.receipt_number,
        "remarks": n.remarks,
        "created_by": n.created_by,
    }


def run_list(args: Namespace) -> int:
    from app.services.credit_notes_list import list_credit_notes
    from app.services.settings import current_settings

    db = open_db(args)
    rows = list_credit_notes(db.read(), search=args.search, status=args.status, limit=args.limit)
    if args.json:
        emit_json([note_json(n) for n in rows])
        return 0
    locale = current_settings(db.read()).locale
    emit_table(
        [
            "Credit Note #",
            "Consumer",
            "Amount",
            "Remaining",
            "Reason",
            "Status",
            "Created",
            "Linked Payment",
        ],
        [
            [
                n.number,
                f"{n.consumer_name} ({n.account_number})",
                format_money(n.amount_minor, n.currency, locale),
                format_money(n.remaining_minor, n.currency, locale),
                n.reason,
                n.status,
                n.created_on.isoformat(),
                n.receipt_number,
            ]
            for n in rows
        ],
        right=frozenset({2, 3}),
    )
    return 0


def run_show(args: Namespace) -> int:
    from app.services.credit_notes_list import credit_note_details
    from app.services.settings import current_settings

    db = open_db(args)
    details = credit_note_details(db.read(), args.number)
    n = details.note
    if args.json:
        emit_json(
            {
                **note_json(n),
                "applications": [
                    {
                        "applied_at": a.applied_at,
                        "amount": money(a.amount_minor, n.currency),
                        "applied_to": a.applied_to,
                        "applied_by": a.applied_by,
                    }
                    for a in details.applications
                ],
            }
        )
        return 0
    locale = current_settings(db.read()).locale

    def fmt(minor: int) -> str:
        return format_money(minor, n.currency, locale)

    emit_pairs(
        [
            ("Credit note", f"{n.number} [{n.status}]"),
            ("Consumer", f"{n.consumer_name} ({n.account_number})"),
            ("Created", n.created_on.isoformat()),
            ("Expires", n.expires_on.isoformat()),
            ("Original amount", fmt(n.amount_minor)),
            ("Applied", fmt(n.applied_minor)),
            ("Remaining", fmt(n.remaining_minor)),
            ("Usage", f"{n.usage_percent}%"),
            ("Reason", n.reason),
            ("Created by", n.created_by),
            ("Linked payment", n.receipt_number),
            ("Remarks", n.remarks),
        ]
    )
    for a in details.applications:
        print(
            f"  {a.applied_at:%Y-%m-%d %H:%M}  {fmt(a.amount_minor)} to {a.applied_to}"
            f" by {a.applied_by}"
        )
    return 0


def run_apply(args: Namespace) -> int:
    from app.services.credit_notes import apply_credit_note
    from app.services.settings import current_settings

    db = open_db(args)
    result = apply_credit_note(
        db.unit_of_work(), number=args.number, to=args.to, amount=args.amount, username=args.user
    )
    cur = result.currency
    if args.json:
        emit_json(
            {
                "number": result.number,
                "applied_to": result.applied_to,
                "amount": money(result.amount_minor, cur),
                "remaining": money(result.remaining_minor, cur),
                "status": result.status,
            }
        )
        return 0
    locale = current_settings(db.read()).locale
    print(
        f"Applied {format_money(result.amount_minor, cur, locale)} of {result.number} to "
        f"{result.applied_to}; {format_money(result.remaining_minor, cur, locale)} remains "
        f"({result.status})."
    )
    return 0


def run_print(args: Namespace) -> int:
    printing_runtime = runtime()
    return deliver(
        args,
        args.number,
        pdf=printing_runtime.credit_note_pdf,
        escpos=printing_runtime.credit_note_escpos,
        send=printing_runtime.print_credit_note_now,
    )
