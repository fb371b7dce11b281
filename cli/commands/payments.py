"""`tilldesk pay` and `tilldesk payments list|show|void`."""

from __future__ import annotations

from argparse import Namespace, _SubParsersAction
from datetime import date
from typing import TYPE_CHECKING

from app.domain.errors import UserFacingError
from app.domain.money import format_money
from app.services.payments_list import SYSTEM_CASHIER
from cli.commands.exports import add_payments_export
from cli.context import add_user_option, open_db
from cli.output import emit_json, emit_pairs, emit_table, money

if TYPE_CHECKING:
    from app.services.payment_details import PaymentDetails
    from app.services.record_payment import RecordedPayment


def register(sub: _SubParsersAction, common: list) -> None:
    pay = sub.add_parser("pay", parents=common, help="record a payment")
    pay.add_argument("--account", required=True, help="consumer account number")
    pay.add_argument("--type", required=True, help="bill, service or installment")
    pay.add_argument(
        "--item",
        action="append",
        required=True,
        help="invoice number, service charge number or description, PLAN/N",
    )
    pay.add_argument("--method", required=True, help="payment method, e.g. Cash")
    pay.add_argument("--amount", required=True, help="amount paid toward the account")
    pay.add_argument("--tendered", help="cash handed over (change = tendered - amount)")
    pay.add_argument("--channel", help="channel (default: the configured default, Walk-in)")
    pay.add_argument("--date", type=_date, help="payment date YYYY-MM-DD (default today)")
    pay.add_argument("--supervisor", help="supervisor approving a date further back")
    pay.add_argument("--supervisor-pin", help="that supervisor's PIN")
    pay.add_argument("--notes", help="optional notes")
    add_user_option(pay)
    pay.set_defaults(run=run_pay)

    payments = sub.add_parser("payments", help="list, show and void payments")
    verbs = payments.add_subparsers(dest="verb", required=True)
    listing = verbs.add_parser("list", parents=common, help="newest first")
    listing.add_argument("--search", help="consumer name, receipt number or account")
    listing.add_argument("--method")
    listing.add_argument("--status")
    listing.add_argument("--type")
    listing.add_argument("--channel", help="e.g. Walk-in, Phone, Online")
    listing.add_argument(
        "--cashier", help=f"who recorded it: a user name, or {SYSTEM_CASHIER} for online payments"
    )
    listing.add_argument("--from", dest="date_from", type=_date)
    listing.add_argument("--to", dest="date_to", type=_date)
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(run=run_list)
    add_payments_export(verbs, common)
    show = verbs.add_parser("show", parents=common, help="every detail of one payment")
    show.add_argument("number", help="receipt, payment or transaction number")
    show.set_defaults(run=run_show)
    void = verbs.add_parser("void", parents=common, help="void a same-day payment")
    void.add_argument("receipt")
    void.add_argument("--reason", required=True)
    add_user_option(void, "a supervisor's username; PIN asked for, or $TILLDESK_PIN", required=True)
    void.set_defaults(run=run_void)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserFacingError(f"'{text}' is not a date: use YYYY-MM-DD.") from None


def run_pay(args: Namespace) -> int:
    from app.services.record_payment import PaymentRequest, record_payment
    from app.services.settings import current_settings

    db = open_db(args)
    result = record_payment(
        db.unit_of_work(),
        PaymentRequest(
            account_number=args.account,
            payment_type=args.type,
            items=tuple(args.item),
            method=args.method,
            amount=args.amount,
            tendered=args.tendered,
            channel=args.channel,
            paid_on=args.date,
            notes=args.notes,
            username=args.user,
            approver=args.supervisor,
            approver_pin=args.supervisor_pin,
        ),
    )
    if args.json:
        emit_json(pay_json(result))
        return 0
    locale = current_settings(db.read()).locale
    cur = result.currency
    note = result.credit_note
    emit_pairs(
        [
            ("Receipt", result.receipt_number),
            ("Payment", result.payment_number),
            ("Transaction", result.transaction_number),
            ("Status", result.status),
            ("Amount", format_money(result.amount_minor, cur, locale)),
            ("Received", format_money(result.tendered_minor, cur, locale)),
            ("Change", format_money(result.change_minor, cur, locale)),
            ("Analysis", result.analysis.value),
            (
                "Credit note",
                f"{note.number} {format_money(note.amount_minor, cur, locale)}" if note else None,
            ),
        ]
    )
    return 0


def pay_json(r: RecordedPayment) -> dict:
    cur = r.currency
    return {
        "payment_number": r.payment_number,
        "transaction_number": r.transaction_number,
        "receipt_number": r.receipt_number,
        "status": r.status,
        "verification": r.verification,
        "processing_time": r.processing_time,
        "currency": cur,
        "amount": money(r.amount_minor, cur),
        "tendered": money(r.tendered_minor, cur),
        "change": money(r.change_minor, cur),
        "outstanding": money(r.outstanding_minor, cur),
        "difference": money(r.difference_minor, cur),
        "analysis": r.analysis.value,
        "credit_note": None
        if r.credit_note is None
        else {
            "number": r.credit_note.number,
            "amount": money(r.credit_note.amount_minor, cur),
            "reason": r.credit_note.reason,
            "expires_on": r.credit_note.expires_on,
        },
    }


def run_list(args: Namespace) -> int:
    from app.services.payments_list import PaymentQuery, list_payments
    from app.services.settings import current_settings

    db = open_db(args)
    page = list_payments(
        db.read(),
        PaymentQuery(
            search=args.search,
            method=args.method,
            status=args.status,
            payment_type=args.type,
            date_from=args.date_from,
            date_to=args.date_to,
            channel=args.channel,
            cashier=args.cashier,
            limit=args.limit,
        ),
    )
    if args.json:
        emit_json(
            [
                {
                    "receipt_number": r.receipt_number,
                    "consumer_name": r.consumer_name,
                    "account_number": r.account_number,
                    "amount": money(r.amount_minor, r.currency),
                    "currency": r.currency,
                    "method": r.method,
                    "date": r.payment_date,
                    "type": r.payment_type,
                    "status": r.status,
                    "channel": r.channel,
                    "cashier": r.cashier,
                }
                for r in page.rows
            ]
        )
        return 0
    locale = current_settings(db.read()).locale
    emit_table(
        ["Receipt #", "Consumer", "Amount", "Method", "Date", "Type", "Status"],
        [
            [
                r.receipt_number,
                f"{r.consumer_name} ({r.account_number})",
                format_money(r.amount_minor, r.currency, locale),
                r.method,
                r.payment_date.isoformat(),
                r.payment_type,
                r.status,
            ]
            for r in page.rows
        ],
        right=frozenset({2}),
    )
    return 0


def run_show(args: Namespace) -> int:
    from app.services.payment_details import payment_details
    from app.services.settings import current_settings

    db = open_db(args)
    details = payment_details(db.read(), args.number)
    if args.json:
        emit_json(details_json(details))
        return 0
    locale = current_settings(db.read()).locale

    def fmt(minor: int) -> str:
        return format_money(minor, details.currency, locale)

    pairs: list[tuple[str, str | None]] = [  # emit_pairs leaves out the empty ones
        ("Payment ID", details.payment_number),
        ("Status", details.status),
        ("Amount paid", fmt(details.amount_minor)),
        ("Payment method", details.method),
        ("Payment type", details.payment_type),
        ("Channel", details.channel),
    ]
    for item in details.items:
        pairs.append(
            (
                item.reference,
                f"{item.description}: {fmt(item.item_amount_minor)}, paid {fmt(item.paid_minor)}",
            )
        )
    pairs += [
        ("Outstanding before", fmt(details.outstanding_minor)),
        ("Difference", f"{fmt(details.difference_minor)} ({details.analysis.value})"),
    ]
    pairs += [
        ("Credit note", f"{n.number} {fmt(n.amount_minor)} {n.status}")
        for n in details.credit_notes
    ]
    if details.is_cash:
        pairs += [
            ("Amount received", fmt(details.tendered_minor)),
            ("Change given", fmt(details.change_minor)),
        ]
    pairs += [
        ("Transaction ID", details.transaction_number),
        ("Receipt number", details.receipt_number),
        ("Payment date", details.payment_date.isoformat()),
        ("Received by", details.received_by),
        ("Processing time", details.processing_time),
        ("Verification", details.verification),
        ("Consumer", details.consumer_name),
        ("Account number", details.account_number),
        ("Service address", details.service_address),
        ("Phone", details.phone),
        ("Notes", details.notes),
        ("Void reason", details.void_reason),
    ]
    emit_pairs(pairs)
    return 0


def details_json(d: PaymentDetails) -> dict:
    cur = d.currency
    return {
        "payment": {
            "payment_number": d.payment_number,
            "status": d.status,
            "settlement_status": d.settlement_status,
            "amount": money(d.amount_minor, cur),
            "currency": cur,
            "method": d.method,
            "type": d.payment_type,
            "channel": d.channel,
            "notes": d.notes,
        },
        "details": [
            {
                "type": i.kind,
                "reference": i.reference,
                "description": i.description,
                "date": i.item_date,
                "amount": money(i.item_amount_minor, cur),
                "paid": money(i.paid_minor, cur),
            }
            for i in d.items
        ],
        "amount_analysis": {
            "billed": money(d.billed_minor, cur),
            "outstanding": money(d.outstanding_minor, cur),
            "paid": money(d.amount_minor, cur),
            "difference": money(d.difference_minor, cur),
            "analysis": d.analysis.value,
        },
        "credit_notes": [
            {
                "number": n.number,
                "amount": money(n.amount_minor, cur),
                "reason": n.reason,
                "status": n.status,
            }
            for n in d.credit_notes
        ],
        "cash": {
            "amount_received": money(d.tendered_minor, cur),
            "change_given": money(d.change_minor, cur),
        }
        if d.is_cash
        else None,
        "transaction": {
            "transaction_number": d.transaction_number,
            "receipt_number": d.receipt_number,
            "payment_date": d.payment_date,
            "recorded_at": d.recorded_at,
            "terminal": d.terminal_code,
        },
        "processing": {
            "received_by": d.received_by,
            "processing_time": d.processing_time,
            "verification": d.verification,
        },
        "consumer": {
            "name": d.consumer_name,
            "account_number": d.account_number,
            "service_address": d.service_address,
            "phone": d.phone,
            "email": d.email,
        },
        "void": None
        if d.voided_at is None
        else {"voided_at": d.voided_at, "voided_by": d.voided_by, "reason": d.void_reason},
    }


def run_void(args: Namespace) -> int:
    from app.services.void_payment import void_payment

    db = open_db(args)
    result = void_payment(
        db.unit_of_work(), receipt=args.receipt, reason=args.reason, username=args.user
    )
    if args.json:
        emit_json(result)
        return 0
    print(f"Receipt {result.receipt_number} is now {result.status}.")
    for number in result.cancelled_credit_notes:
        print(f"Credit note {number} was cancelled with it.")
    return 0
