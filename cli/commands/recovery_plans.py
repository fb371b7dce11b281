"""`tilldesk recovery plan ...`: plans offered on recovery cases. New offers make the counter's
PP- plans (cli/commands/recovery_plan_offers.py); show, list, pay and scan keep running the RP-
plans recovery made before, to their end."""

import getpass
from argparse import Namespace, _SubParsersAction
from datetime import UTC, datetime

from app.domain.errors import UserFacingError
from app.domain.money import parse_amount
from cli.commands.recovery_plan_offers import add_offer_verbs
from cli.commands.recovery_plan_output import emit_plan, plan_dict
from cli.commands.recovery_service import open_recovery_db
from cli.output import emit_json, emit_pairs, emit_table, money


def register(verbs: _SubParsersAction, common: list) -> None:
    plan = verbs.add_parser("plan", help="payment plans offered to consumers")
    sub = plan.add_subparsers(dest="plan_verb", required=True)
    add_offer_verbs(sub, common)  # offer, accept, decline, offers: PP- plans
    show = sub.add_parser("show", parents=common, help="a plan with its installments")
    show.add_argument("plan_number")
    show.set_defaults(run=run_show)
    listing = sub.add_parser("list", parents=common, help="plans, oldest first")
    listing.add_argument("--case", dest="case_id")
    listing.set_defaults(run=run_list)
    pay = sub.add_parser("pay", parents=common, help="a payment toward one installment")
    pay.add_argument("plan_number")
    pay.add_argument("--installment", type=int, required=True)
    pay.add_argument("--amount", required=True, help="e.g. 67.50")
    pay.add_argument("--user")
    pay.set_defaults(run=run_pay)
    scan = sub.add_parser("scan", parents=common, help="missed installments become cases")
    scan.add_argument("--grace-days", type=int, default=3)
    scan.set_defaults(run=run_scan)
    asked = sub.add_parser("requests", parents=common, help="consumers who asked for a plan")
    asked.set_defaults(run=run_requests)


def run_show(args: Namespace) -> int:
    from app.services.recovery_plans import show_plan

    engine = open_recovery_db(args)
    try:
        view = show_plan(engine, args.plan_number)
    finally:
        engine.dispose()
    return emit_plan(args, view)


def run_list(args: Namespace) -> int:
    from app.services.recovery_plans import list_plans

    engine = open_recovery_db(args)
    try:
        views = list_plans(engine, args.case_id)
    finally:
        engine.dispose()
    if args.json:
        emit_json([plan_dict(v) for v in views])
        return 0
    rows = [
        [v.plan_number, v.case_id, v.status, money(v.total_minor, v.currency) or "",
         money(v.paid_minor, v.currency) or "", v.frequency, str(len(v.installments))]
        for v in views
    ]  # fmt: skip
    emit_table(["plan", "case", "status", "total", "paid", "frequency", "installments"], rows,
               right=frozenset({3, 4, 6}))  # fmt: skip
    return 0


def run_pay(args: Namespace) -> int:
    from app.services.recovery_plans import pay_installment, show_plan

    engine = open_recovery_db(args)
    try:
        currency = show_plan(engine, args.plan_number).currency
        amount = parse_amount(args.amount, currency)
        view = pay_installment(
            engine, args.plan_number, args.installment, amount, user=_user(args), now=_now()
        )
    finally:
        engine.dispose()
    return emit_plan(args, view)


def run_scan(args: Namespace) -> int:
    from app.services.recovery_plan_scan import missed_installments

    if args.grace_days < 0:
        raise UserFacingError("--grace-days cannot be negative.")
    engine = open_recovery_db(args)
    try:
        report = missed_installments(engine, _now(), args.grace_days)
    finally:
        engine.dispose()
    if args.json:
        emit_json(report)
        return 0
    emit_pairs(
        [
            ("paid from cases", ", ".join(report.paid) or "-"),
            ("missed", ", ".join(report.missed) or "-"),
            ("cases opened", ", ".join(report.cases_opened) or "-"),
            ("plans broken", ", ".join(report.broken) or "-"),
            ("plans completed", ", ".join(report.completed) or "-"),
        ]
    )
    return 0


def run_requests(args: Namespace) -> int:
    from app.services.recovery_plans import plan_requests

    engine = open_recovery_db(args)
    try:
        rows = plan_requests(engine)
    finally:
        engine.dispose()
    owed = [(r, r["amount_minor"] - r["recovered_minor"]) for r in rows]
    if args.json:
        emit_json(
            [{"case_id": r["id"], "consumer_id": r["consumer_id"], "status": r["status"],
              "owed": money(o, r["currency"]), "currency": r["currency"],
              "asked_at": r["asked_at"]} for r, o in owed]
        )  # fmt: skip
        return 0
    emit_table(
        ["case", "consumer", "owed", "asked at"],
        [[r["id"], r["consumer_id"], money(o, r["currency"]) or "",
          r["asked_at"].isoformat(timespec="minutes")] for r, o in owed],
        right=frozenset({2}),
    )  # fmt: skip
    return 0


def _now() -> datetime:
    return datetime.now(UTC)


def _user(args: Namespace) -> str:
    return (args.user or getpass.getuser()).strip()
