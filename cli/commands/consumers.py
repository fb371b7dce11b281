"""`tilldesk consumers search|show`: find a consumer, see the account and what is unpaid."""

from argparse import Namespace, _SubParsersAction

from app.domain.money import format_money
from cli.context import open_db
from cli.output import emit_json, emit_pairs, emit_table, money


def register(sub: _SubParsersAction, common: list) -> None:
    consumers = sub.add_parser("consumers", help="search consumers and show accounts")
    verbs = consumers.add_subparsers(dest="verb", required=True)
    search = verbs.add_parser("search", parents=common, help="by name, account or phone")
    search.add_argument("query")
    search.add_argument("--limit", type=int, default=20)
    search.set_defaults(run=run_search)
    show = verbs.add_parser("show", parents=common, help="account details and unpaid items")
    show.add_argument("account")
    show.set_defaults(run=run_show)


def run_search(args: Namespace) -> int:
    from app.services.consumers import search_consumers

    db = open_db(args)
    hits = search_consumers(db.read(), args.query, args.limit)
    if args.json:
        emit_json(hits)
        return 0
    if not hits:
        print(f"No consumer matches '{args.query}'.")
        return 0
    emit_table(
        ["Account", "Name", "Service address", "Phone"],
        [[h.account_number, h.name, h.service_address, h.phone or ""] for h in hits],
    )
    return 0


def run_show(args: Namespace) -> int:
    from app.services.consumers import consumer_account
    from app.services.settings import current_settings

    db = open_db(args)
    account = consumer_account(db.read(), args.account)
    cur = account.currency
    if args.json:
        emit_json(
            {
                "account_number": account.account_number,
                "name": account.name,
                "service_address": account.service_address,
                "phone": account.phone,
                "email": account.email,
                "timezone": account.timezone,
                "segment": account.segment,
                "status": account.status,
                "currency": cur,
                "balance": money(account.balance_minor, cur),
                "credit_available": money(account.credit_available_minor, cur),
                "provisional": account.provisional,
                "unpaid": [
                    {
                        "type": i.kind,
                        "reference": i.reference,
                        "description": i.description,
                        "date": i.item_date,
                        "due_date": i.due_date,
                        "amount": money(i.amount_minor, cur),
                        "paid": money(i.paid_minor, cur),
                        "outstanding": money(i.outstanding_minor, cur),
                    }
                    for i in account.unpaid
                ],
            }
        )
        return 0
    locale = current_settings(db.read()).locale

    def fmt(minor: int) -> str:
        return format_money(minor, cur, locale)

    balance = fmt(account.balance_minor) + (" (provisional)" if account.provisional else "")
    emit_pairs(
        [
            ("Name", account.name),
            ("Account number", account.account_number),
            ("Service address", account.service_address),
            ("Phone", account.phone),
            ("Email", account.email),
            ("Status", account.status),
            ("Current balance", balance),
            ("Credit available", fmt(account.credit_available_minor)),
        ]
    )
    if account.unpaid:
        print()
        emit_table(
            ["Type", "Reference", "Description", "Due", "Amount", "Outstanding"],
            [
                [
                    i.kind.capitalize(),
                    i.reference,
                    i.description,
                    i.due_date.isoformat(),
                    fmt(i.amount_minor),
                    fmt(i.outstanding_minor),
                ]
                for i in account.unpaid
            ],
            right=frozenset({4, 5}),
        )
    return 0
