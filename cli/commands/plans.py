"""`tilldesk plans list|show|create|modify|cancel`: payment plans at the counter, as a billing
manager makes, follows and ends them (the server numbers and publishes them at the next sync)."""

from __future__ import annotations

from argparse import Namespace, _SubParsersAction
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from app.domain.counter_plans import ScheduledInstallment
from app.domain.errors import UserFacingError
from app.domain.money import decimal_text, format_money
from app.domain.plan_compliance import PlanState
from cli.context import add_user_option, open_db
from cli.output import emit_json, emit_pairs, emit_table, money

if TYPE_CHECKING:
    from app.services.counter_plans_views import PlanDetail, PlanSummary

FREQUENCIES = ("weekly", "fortnightly", "monthly")
STATES = ", ".join(s.value for s in PlanState)


def register(sub: _SubParsersAction, common: list) -> None:
    plans = sub.add_parser("plans", help="payment plans: list, show, create, modify, cancel")
    verbs = plans.add_subparsers(dest="verb", required=True)
    listing = verbs.add_parser("list", parents=common, help="plans needing attention first")
    listing.add_argument("--consumer", help="only this consumer's plans (account number)")
    listing.add_argument("--status", help=STATES)
    listing.set_defaults(run=run_list)
    show = verbs.add_parser("show", parents=common, help="installments, days late, milestones")
    show.add_argument("number", help="the plan number, e.g. PP-2025-0034")
    show.set_defaults(run=run_show)
    create = verbs.add_parser("create", parents=common, help="a new plan for a consumer")
    create.add_argument("account", help="the consumer's account number, e.g. WU-10001")
    create.add_argument("--total", required=True, help="what the plan collects, e.g. 300.00")
    _add_terms(create, required=True)
    create.set_defaults(run=run_create)
    modify = verbs.add_parser("modify", parents=common, help="reschedule what is left")
    modify.add_argument("number")
    modify.add_argument("--total", help="the new total (default: the plan's total)")
    _add_terms(modify, required=False)
    modify.set_defaults(run=run_modify)
    cancel = verbs.add_parser("cancel", parents=common, help="end a plan (billing manager)")
    cancel.add_argument("number")
    cancel.add_argument("--reason", required=True, help="why the plan is cancelled")
    add_user_option(cancel)
    cancel.set_defaults(run=run_cancel)


def _add_terms(parser: Any, *, required: bool) -> None:
    parser.add_argument("--installments", required=True, help="regular installments, 1 to 60")
    parser.add_argument("--frequency", required=required, type=str.lower, choices=FREQUENCIES)
    parser.add_argument("--first-due", required=True, help="the first installment's date")
    parser.add_argument("--down-payment", default="", help="due today (default: none)")
    parser.add_argument("--note", default=None, help="the agreement, in a few words")
    parser.add_argument("--preview", action="store_true", help="show the schedule, save nothing")
    add_user_option(parser)


def run_list(args: Namespace) -> int:
    from app.services.counter_plans_views import consumer_plan_summaries, plans_overview

    db = open_db(args)
    states = _states(args.status)
    if args.consumer:
        found = consumer_plan_summaries(db.read(), args.consumer)
        found = [p for p in found if states is None or p.state in states]
    else:
        found = plans_overview(db.read(), states=states)
    if args.json:
        emit_json([_summary_json(p, _currency(db)) for p in found])
        return 0
    if not found:
        print("No payment plans match.")
        return 0
    show = _formatter(db)
    emit_table(
        ["Plan", "Consumer", "Status", "Paid", "Total", "Next due"],
        [
            [p.plan_number, f"{p.consumer_name} ({p.account_number})", p.state.value,
             show(p.compliance.paid_minor), show(p.compliance.total_minor), _next_due(p)]
            for p in found
        ],
        right=frozenset({3, 4}),
    )  # fmt: skip
    return 0


def run_show(args: Namespace) -> int:
    from app.services.counter_plans_views import plan_detail

    db = open_db(args)
    detail = plan_detail(db.read(), args.number)
    if args.json:
        emit_json(_detail_json(detail, _currency(db)))
        return 0
    show, s = _formatter(db), detail.summary
    c = s.compliance
    emit_pairs(
        [
            ("Plan", s.plan_number), ("Consumer", f"{s.consumer_name} ({s.account_number})"),
            ("Status", s.state.value), ("Paid", f"{show(c.paid_minor)} of {show(c.total_minor)}"),
            ("Frequency", s.frequency), ("Down payment", show(detail.down_payment_minor)
                                         if detail.down_payment_minor else ""),
            ("Made", f"{s.created_on} by {detail.created_by or 'the server'}"),
            ("Changed", f"by {detail.modified_by} (version {detail.version})"
             if detail.version > 1 else ""),
            ("Milestones", ", ".join(f"{m.value} {on or ''}".strip() for m, on in c.milestones)),
            ("Cancelled", detail.cancel_reason), ("Note", detail.note),
            ("Sync", _sync_words(s.sync_state)),
            ("Refused", detail.parked_reason), ("Review", detail.review_flag),
        ]
    )  # fmt: skip
    print()
    emit_table(
        ["#", "Due", "Amount", "Paid", "Status", "Days late"],
        [
            [str(i.number), i.due_date.isoformat(), show(i.amount_minor), show(i.paid_minor),
             i.state.value, str(i.days_late) if i.days_late else ""]
            for i in c.installments
        ],
        right=frozenset({0, 2, 3, 5}),
    )  # fmt: skip
    return 0


def run_create(args: Namespace) -> int:
    from app.services.counter_plans import PlanRequest, create_plan, preview_plan

    db = open_db(args)
    request = PlanRequest(
        args.total, args.down_payment, args.installments, args.frequency, args.first_due,
        args.note or "",
    )  # fmt: skip
    if args.preview:
        preview = preview_plan(db.unit_of_work(), request, account_number=args.account,
                               username=args.user)  # fmt: skip
        return _schedule(args, db, None, preview.schedule, preview.warnings)
    saved = create_plan(db.unit_of_work(), args.account, request, username=args.user)
    return _schedule(args, db, saved.plan_number, saved.schedule, ())


def run_modify(args: Namespace) -> int:
    from app.services.counter_plans import PlanRequest, modify_plan, preview_plan
    from app.services.counter_plans_views import plan_detail

    db = open_db(args)
    current = plan_detail(db.read(), args.number)
    currency = _currency(db)
    request = PlanRequest(
        args.total or decimal_text(current.summary.compliance.total_minor, currency),
        args.down_payment,
        args.installments,
        args.frequency or current.summary.frequency,
        args.first_due,
        current.note if args.note is None else args.note,
    )
    if args.preview:
        preview = preview_plan(db.unit_of_work(), request, plan_number=args.number,
                               username=args.user)  # fmt: skip
        return _schedule(args, db, preview.plan_number, preview.schedule, preview.warnings)
    saved = modify_plan(db.unit_of_work(), args.number, request, username=args.user)
    return _schedule(args, db, saved.plan_number, saved.schedule, ())


def run_cancel(args: Namespace) -> int:
    from app.services.counter_plans_cancel import cancel_plan

    db = open_db(args)
    cancelled = cancel_plan(db.unit_of_work(), args.number, args.reason, username=args.user)
    if args.json:
        emit_json(
            {"plan_number": cancelled.plan_number, "status": "Cancelled",
             "reason": cancelled.reason, "no_longer_due": money(cancelled.unpaid_minor,
                                                                  _currency(db))}
        )  # fmt: skip
        return 0
    print(
        f"Plan {cancelled.plan_number} cancelled ({cancelled.reason}); "
        f"{_formatter(db)(cancelled.unpaid_minor)} unpaid is no longer due through it."
    )
    return 0


# -- output -----------------------------------------------------------------------------------
def _schedule(
    args: Namespace,
    db: Any,
    plan_number: str | None,
    schedule: Sequence[ScheduledInstallment],
    warnings: Sequence[str],
) -> int:
    currency = _currency(db)
    if args.json:
        emit_json(
            {"plan_number": plan_number, "saved": not args.preview, "warnings": list(warnings),
             "installments": [_scheduled_json(s, currency) for s in schedule]}
        )  # fmt: skip
        return 0
    show = _formatter(db)
    for warning in warnings:
        print(f"Note: {warning}")
    if args.preview:
        print("Preview: nothing saved.")
    else:
        print(f"Plan {plan_number} saved: it goes to the server at the next sync.")
    emit_table(
        ["#", "Due", "Amount", ""],
        [
            [str(s.number), s.due_date.isoformat(), show(s.amount_minor),
             "down payment" if s.down_payment else "paid into, kept" if s.kept else ""]
            for s in schedule
        ],
        right=frozenset({0, 2}),
    )  # fmt: skip
    return 0


def _states(text: str | None) -> set[PlanState] | None:
    if not text:
        return None
    for state in PlanState:
        if text.strip().casefold() in (state.value.casefold(), state.name.casefold()):
            return {state}
    raise UserFacingError(f"Status must be one of {STATES}, not '{text}'.")


def _currency(db: Any) -> str:
    from app.services.settings import current_settings

    return current_settings(db.read()).currency


def _formatter(db: Any) -> Any:
    from app.services.settings import current_settings

    settings = current_settings(db.read())
    return lambda minor: format_money(minor, settings.currency, settings.locale)


def _next_due(plan: PlanSummary) -> str:
    due = plan.compliance.next_due
    return f"{due.due_date} ({due.state.value})" if due else "-"


def _sync_words(state: str) -> str:
    return {"pending": "waiting for the server", "parked": "refused by the server"}.get(state, "")


def _summary_json(p: PlanSummary, currency: str) -> dict:
    c = p.compliance
    return {
        "plan_number": p.plan_number, "account_number": p.account_number,
        "consumer_name": p.consumer_name, "status": p.state.value, "frequency": p.frequency,
        "created_on": p.created_on, "paid": money(c.paid_minor, currency),
        "total": money(c.total_minor, currency), "currency": currency,
        "compliant": c.compliant, "sync_state": p.sync_state or None,
    }  # fmt: skip


def _detail_json(d: PlanDetail, currency: str) -> dict:
    c = d.summary.compliance
    return {
        **_summary_json(d.summary, currency),
        "down_payment": money(d.down_payment_minor, currency), "note": d.note,
        "created_by": d.created_by, "modified_by": d.modified_by, "version": d.version,
        "refused_reason": d.parked_reason or None, "review": d.review_flag or None,
        "cancel_reason": d.cancel_reason or None,
        "milestones": [{"milestone": m.value, "on": on} for m, on in c.milestones],
        "installments": [
            {"number": i.number, "due_date": i.due_date, "amount": money(i.amount_minor, currency),
             "paid": money(i.paid_minor, currency), "status": i.state.value,
             "days_late": i.days_late, "missed": i.missed}
            for i in c.installments
        ],
    }  # fmt: skip


def _scheduled_json(s: ScheduledInstallment, currency: str) -> dict:
    return {
        "number": s.number, "due_date": s.due_date, "amount": money(s.amount_minor, currency),
        "down_payment": s.down_payment, "kept": s.kept,
    }  # fmt: skip
