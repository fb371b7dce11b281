"""`tilldesk reconcile import|run|list|confirm|reject|undo`: the bank against the counter."""

from __future__ import annotations

from argparse import Namespace, _SubParsersAction
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.errors import UserFacingError
from app.domain.money import format_money
from app.services.bank_formats import FORMATS
from app.services.reconciliation import Decision
from cli.context import add_user_option, open_db
from cli.output import emit_json, emit_table, money, plain

if TYPE_CHECKING:
    from app.services.reconciliation_views import ReconciliationView


def register(sub: _SubParsersAction, common: list) -> None:
    reconcile = sub.add_parser("reconcile", help="match bank statements with the counter")
    verbs = reconcile.add_subparsers(dest="verb", required=True)
    importing = verbs.add_parser("import", parents=common, help="import a bank statement")
    importing.add_argument("file", type=Path)
    importing.add_argument("--format", choices=FORMATS, help="default: from the file's name")
    importing.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="FIELD=HEADER",
        help="CSV column names, e.g. date='Booking Date' (fields: date, amount, reference, "
        "description, currency)",
    )
    add_user_option(importing)
    importing.set_defaults(run=run_import)
    running = verbs.add_parser("run", parents=common, help="propose matches")
    running.add_argument("--window-days", type=int, help="default: the settings' window")
    add_user_option(running)
    running.set_defaults(run=run_run)
    listing = verbs.add_parser("list", parents=common, help="matches and what is unmatched")
    listing.add_argument("--unmatched", action="store_true", help="only what is unmatched")
    add_user_option(listing, when=lambda args: args.user is not None)
    listing.set_defaults(run=run_list)
    for decision in Decision:
        deciding = verbs.add_parser(decision.value, parents=common, help=f"{decision} a match")
        deciding.add_argument("match", type=int, metavar="MATCH", help="the match number")
        add_user_option(deciding)
        deciding.set_defaults(run=run_decide, decision=decision)


def _columns(pairs: list[str]) -> dict[str, str]:
    columns = {}
    for pair in pairs:
        field, sep, header = pair.partition("=")
        if not sep or not header.strip():
            raise UserFacingError(f"Give a CSV column as FIELD=HEADER, not '{pair}'.")
        columns[field.strip().casefold()] = header.strip()
    return columns


def run_import(args: Namespace) -> int:
    from app.services.bank_formats import guess_format
    from app.services.statement_import import import_statement

    try:
        content = args.file.read_bytes()
    except OSError as error:
        raise UserFacingError(f"Cannot read {args.file}: {error.strerror}.") from None
    result = import_statement(
        open_db(args).unit_of_work(),
        content,
        fmt=args.format or guess_format(args.file),
        username=args.user,
        columns=_columns(args.column),
    )
    if args.json:
        emit_json(result)
    else:
        print(
            f"Statement {result.statement_ref}: {result.lines_added} new lines, "
            f"{result.lines_known} already imported."
        )
    return 0


def run_run(args: Namespace) -> int:
    from app.services.reconciliation import run_reconciliation

    result = run_reconciliation(
        open_db(args).unit_of_work(), username=args.user, window_days=args.window_days
    )
    if args.json:
        emit_json(result)
    else:
        print(
            f"Matched {result.matched}, suggested {result.suggested}, unmatched bank lines "
            f"{result.unmatched_lines}, unmatched counter items {result.unmatched_items} "
            f"(window {result.window_days} days)."
        )
    return 0


def run_list(args: Namespace) -> int:
    from app.services.reconciliation_views import reconciliation_view

    view = reconciliation_view(open_db(args).read(), username=args.user)
    if args.json:
        emit_json(_json(view, args.unmatched))
        return 0

    def amount(minor: int) -> str:
        return format_money(minor, view.currency, view.locale)

    if not args.unmatched:
        emit_table(
            ["Match", "Status", "Pass", "Bank date", "Bank amount", "Bank text", "Counter item"],
            [
                [
                    str(m.number),
                    m.status,
                    m.match_pass,
                    str(m.booked_on),
                    amount(m.bank_amount_minor),
                    m.bank_text[:40],
                    m.item_label[:50],
                ]
                for m in view.matches
            ],
            right=frozenset({0, 4}),
        )
        print()
    print("Unmatched bank lines:")
    emit_table(
        ["Date", "Amount", "Reference", "Description"],
        [
            [str(ln.booked_on), amount(ln.amount_minor), ln.reference, ln.description[:50]]
            for ln in view.unmatched_lines
        ],
        right=frozenset({1}),
    )
    print("\nUnmatched counter items:")
    emit_table(
        ["Date", "Amount", "Item"],
        [[str(i.on), amount(i.amount_minor), i.label] for i in view.unmatched_items],
        right=frozenset({1}),
    )
    if view.exceptions:
        print("\nOnline payments stuck (processing errors):")
        emit_table(
            ["Payment", "Status", "Amount", "Hours"],
            [
                [e.payment_number, e.status, amount(e.amount_minor), str(e.hours)]
                for e in view.exceptions
            ],
            right=frozenset({2, 3}),
        )
    return 0


def _json(view: ReconciliationView, unmatched_only: bool) -> dict:
    cur = view.currency
    answer = {
        "currency": cur,
        "unmatched_lines": [
            {**_plain(ln), "amount": money(ln.amount_minor, cur)} for ln in view.unmatched_lines
        ],
        "unmatched_items": [
            {**_plain(i), "amount": money(i.amount_minor, cur)} for i in view.unmatched_items
        ],
        "exceptions": [
            {**_plain(e), "amount": money(e.amount_minor, cur)} for e in view.exceptions
        ],
    }
    if not unmatched_only:
        answer["matches"] = [
            {
                **_plain(m),
                "bank_amount": money(m.bank_amount_minor, cur),
                "item_amount": money(m.item_amount_minor, cur),
            }
            for m in view.matches
        ]
    return answer


def _plain(value: object) -> dict:
    return plain(value)


def run_decide(args: Namespace) -> int:
    from app.services.reconciliation import decide_match

    decided = decide_match(
        open_db(args).unit_of_work(), args.match, args.decision, username=args.user
    )
    if args.json:
        emit_json(decided)
    else:
        print(f"Match {decided.number} {decided.status}.")
    return 0
