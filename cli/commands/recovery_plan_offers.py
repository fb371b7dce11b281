"""`tilldesk recovery plan offer|accept|decline|offers`: payment plans offered on a recovery
case in the counter's model. An offer records the terms; the consumer's acceptance makes the
PP- plan on the central server's database (--server-db or $TILLDESK_SERVER_DB), from where it
reaches every counter. `accept` and `decline` of an RP- number answer an offer made before
plans moved to the counter's model (app/services/recovery_plans.py)."""

import getpass
import os
from argparse import Namespace, _SubParsersAction
from datetime import UTC, datetime
from typing import Any

from app.domain.errors import UserFacingError
from app.domain.plan_offers import CHANNELS, Acceptance
from cli.commands.recovery_service import open_recovery_db
from cli.output import emit_json, emit_pairs, emit_table, money

SERVER_DB_VARIABLE = "TILLDESK_SERVER_DB"


def add_offer_verbs(sub: _SubParsersAction, common: list) -> None:
    offer = sub.add_parser("offer", parents=common, help="offer a plan for what a case owes")
    offer.add_argument("case_id")
    offer.add_argument("--installments", required=True, help="regular installments (1-60)")
    offer.add_argument("--frequency", default="Monthly", help="Monthly, Fortnightly or Weekly")
    offer.add_argument("--down", default="", help="down payment, e.g. 50.00 (due on acceptance)")
    offer.add_argument("--first-due", help="first due date, YYYY-MM-DD (default: one period on)")
    _acceptance(offer, required=False)
    offer.set_defaults(run=run_offer)
    accept = sub.add_parser("accept", parents=common, help="record the consumer's acceptance")
    accept.add_argument("case_id", help="the case with the offer (or an older RP- number)")
    _acceptance(accept, required=True)
    accept.set_defaults(run=run_accept)
    decline = sub.add_parser("decline", parents=common, help="the consumer said no")
    decline.add_argument("case_id", help="the case with the offer (or an older RP- number)")
    decline.add_argument("--reason", required=True)
    decline.add_argument("--user")
    decline.set_defaults(run=run_decline)
    offers = sub.add_parser("offers", parents=common, help="a case's plan offers and answers")
    offers.add_argument("case_id")
    offers.set_defaults(run=run_offers)


def _acceptance(parser: Any, *, required: bool) -> None:
    said = " (with --channel and --evidence: accepted now)" if not required else ""
    parser.add_argument("--accepted-by", required=required, help=f"who said yes{said}")
    parser.add_argument("--channel", required=required, choices=CHANNELS)
    parser.add_argument("--evidence", required=required, help="what the consumer said or signed")
    parser.add_argument("--user", help="who records it (default: the signed-in account)")
    parser.add_argument("--server-db", help=f"the central server's PostgreSQL URL "
                        f"(default: ${SERVER_DB_VARIABLE})")  # fmt: skip


def run_offer(args: Namespace) -> int:
    from app.services.recovery_plan_offers import OfferRequest, offer_and_accept, offer_plan

    request = OfferRequest(args.installments, args.frequency, args.down, args.first_due)
    accepting = any((args.accepted_by, args.channel, args.evidence))
    engine = open_recovery_db(args)
    try:
        if not accepting:
            view = offer_plan(engine, args.case_id, request, user=_user(args), now=_now())
        else:
            said = Acceptance(args.accepted_by or "", args.channel or "", args.evidence or "")
            with _server(args) as make:
                view = offer_and_accept(engine, args.case_id, request, said, user=_user(args),
                                        now=_now(), make_plan=make)  # fmt: skip
    finally:
        engine.dispose()
    return _emit(args, view)


def run_accept(args: Namespace) -> int:
    if args.case_id.strip().upper().startswith("RP-"):
        return _legacy_accept(args)
    from app.services.recovery_plan_offers import accept_offer

    said = Acceptance(args.accepted_by, args.channel, args.evidence)
    engine = open_recovery_db(args)
    try:
        with _server(args) as make:
            view = accept_offer(engine, args.case_id, said, user=_user(args), now=_now(),
                                make_plan=make)  # fmt: skip
    finally:
        engine.dispose()
    return _emit(args, view)


def run_decline(args: Namespace) -> int:
    engine = open_recovery_db(args)
    try:
        if args.case_id.strip().upper().startswith("RP-"):
            from app.services.recovery_plans import decline_plan
            from cli.commands.recovery_plan_output import emit_plan

            plan = decline_plan(engine, args.case_id, reason=args.reason, user=_user(args),
                                now=_now())  # fmt: skip
            return emit_plan(args, plan)
        from app.services.recovery_plan_offers import decline_offer

        view = decline_offer(engine, args.case_id, args.reason, user=_user(args), now=_now())
    finally:
        engine.dispose()
    return _emit(args, view)


def run_offers(args: Namespace) -> int:
    from app.services.recovery_plan_offers import case_offers

    engine = open_recovery_db(args)
    try:
        views = case_offers(engine, args.case_id, _now().date())  # lapsed ones: expired
    finally:
        engine.dispose()
    if args.json:
        emit_json([offer_dict(v) for v in views])
        return 0
    emit_table(
        ["offered", "status", "total", "installments", "first due", "plan", "accepted by"],
        [[f"{v.offered_at:%Y-%m-%d %H:%M}Z", v.status, money(v.total_minor, v.currency) or "",
          f"{v.installment_count} {v.frequency.lower()}", v.first_due.isoformat(),
          v.plan_number or "",
          f"{v.accepted_by} ({v.accepted_channel})" if v.accepted_by else ""] for v in views],
        right=frozenset({2}),
    )  # fmt: skip
    return 0


def _legacy_accept(args: Namespace) -> int:
    from app.services.recovery_plans import accept_plan
    from cli.commands.recovery_plan_output import emit_plan

    evidence = f"{args.evidence} (accepted by {args.accepted_by})"
    engine = open_recovery_db(args)
    try:
        plan = accept_plan(engine, args.case_id, channel=args.channel, evidence=evidence,
                           user=_user(args), now=_now())  # fmt: skip
    finally:
        engine.dispose()
    return emit_plan(args, plan)


class _server:
    """The PP- plan maker on the central server's database, disposed of afterwards."""

    def __init__(self, args: Namespace) -> None:
        url = getattr(args, "server_db", None) or os.environ.get(SERVER_DB_VARIABLE)
        if not url:
            raise UserFacingError(
                "Making the plan needs the central server's database: give --server-db URL "
                f"or set ${SERVER_DB_VARIABLE} (plans are numbered and kept there)."
            )
        self.url: str = url

    def __enter__(self) -> Any:
        from cli.wiring.server_plan_offers import plan_maker
        from sync.server.db import make_engine

        self.engine = make_engine(self.url, pool_size=1)
        return plan_maker(self.engine)

    def __exit__(self, *_exc: object) -> None:
        self.engine.dispose()


def offer_dict(view: Any) -> dict[str, Any]:
    """The JSON shape of an offer: money as decimal strings in the case's currency."""
    from app.services.recovery_plan_offers import schedule

    cur = view.currency
    return {
        "case_id": view.case_id, "consumer_id": view.consumer_id, "status": view.status,
        "is_plan": view.is_plan, "plan_number": view.plan_number, "currency": cur,
        "total": money(view.total_minor, cur),
        "down_payment": money(view.down_payment_minor, cur),
        "installment_count": view.installment_count, "frequency": view.frequency,
        "first_due": view.first_due.isoformat(), "offered_by": view.offered_by,
        "offered_at": view.offered_at.isoformat(),
        "acceptance": None if view.accepted_at is None else {
            "accepted_by": view.accepted_by, "channel": view.accepted_channel,
            "evidence": view.acceptance_text, "recorded_by": view.recorded_by,
            "accepted_at": view.accepted_at.isoformat(),
        },
        "installments": [
            {"number": i.number, "amount": money(i.amount_minor, cur),
             "due_date": i.due_date.isoformat(), "down_payment": i.down_payment}
            for i in schedule(view)
        ],
    }  # fmt: skip


def _emit(args: Namespace, view: Any) -> int:
    from app.services.recovery_plan_offers import describe, schedule

    if args.json:
        emit_json(offer_dict(view))
        return 0
    cur = view.currency
    status = {"offered": "offered: awaiting the consumer's answer (not a plan yet)",
              "expired": f"expired: {view.closed_reason}; offer new terms",
              "declined": f"declined: {view.closed_reason or '-'}"}  # fmt: skip
    emit_pairs(
        [
            ("case", view.case_id),
            ("status", status.get(view.status, view.status)),
            ("plan", view.plan_number or ""),
            ("terms", describe(view)),
            ("accepted", f"by {view.accepted_by} ({view.accepted_channel}) at "
                         f"{view.accepted_at:%Y-%m-%d %H:%M}Z, recorded by {view.recorded_by}"
                         if view.accepted_at else ""),
        ]
    )  # fmt: skip
    print()
    emit_table(
        ["#", "due", "amount"],
        [[str(i.number) + (" (down)" if i.down_payment else ""), i.due_date.isoformat(),
          money(i.amount_minor, cur) or ""] for i in schedule(view)],
        right=frozenset({2}),
    )  # fmt: skip
    return 0


def _now() -> datetime:
    return datetime.now(UTC)


def _user(args: Namespace) -> str:
    return (args.user or getpass.getuser()).strip()
