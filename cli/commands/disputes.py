"""`tilldesk disputes open|update|list` and `tilldesk circumstances show|set`: a consumer's
disputes on payments and bills, and their special circumstances and payment preferences."""

from __future__ import annotations

from argparse import Namespace, _SubParsersAction
from typing import TYPE_CHECKING

from app.domain.disputes import CIRCUMSTANCE_WORDS, Circumstance
from cli.context import add_user_option, open_db
from cli.output import emit_json, emit_pairs, emit_table

if TYPE_CHECKING:
    from app.services.circumstances import CircumstancesView
    from app.services.disputes import DisputeView

KINDS = ", ".join(c.value for c in Circumstance)


def register(sub: _SubParsersAction, common: list) -> None:
    disputes = sub.add_parser("disputes", help="a consumer's disputes on payments and bills")
    verbs = disputes.add_subparsers(dest="verb", required=True)
    start = verbs.add_parser("open", parents=common, help="record a new dispute")
    start.add_argument("account", help="the consumer's account number, e.g. WU-10001")
    on = start.add_mutually_exclusive_group(required=True)
    on.add_argument("--payment", help="receipt, payment or transaction number")
    on.add_argument("--bill", help="invoice number")
    start.add_argument("--reason", required=True, help="what the consumer disputes")
    start.add_argument("--owner", default="", help="who follows it up (a user name)")
    add_user_option(start)
    start.set_defaults(run=run_open)
    change = verbs.add_parser("update", parents=common, help="move a dispute on or settle it")
    change.add_argument("dispute", help="the dispute's id (its first 8 characters will do)")
    change.add_argument("--status", help="open, under review, resolved or rejected")
    change.add_argument("--resolution", help="how it was settled (needed to resolve/reject)")
    change.add_argument("--owner", help="who follows it up")
    add_user_option(change)
    change.set_defaults(run=run_update)
    listing = verbs.add_parser("list", parents=common, help="a consumer's disputes, newest first")
    listing.add_argument("account")
    listing.set_defaults(run=run_list)

    circumstances = sub.add_parser(
        "circumstances", help="a consumer's special circumstances and payment preferences"
    )
    cverbs = circumstances.add_subparsers(dest="verb", required=True)
    show = cverbs.add_parser("show", parents=common, help="what is recorded, who set it, when")
    show.add_argument("account")
    show.set_defaults(run=run_show)
    put = cverbs.add_parser("set", parents=common, help="replace what is recorded")
    put.add_argument("account")
    put.add_argument("--kinds", default="", help=f"comma-separated: {KINDS} (empty: none)")
    put.add_argument("--note", default="")
    put.add_argument("--channel", default="", help="email, sms or whatsapp (empty: none)")
    put.add_argument("--time", default="", help="preferred time, e.g. 17:00-20:00 (local)")
    put.add_argument("--language", default="", help="e.g. en, es, hi")
    add_user_option(put)
    put.set_defaults(run=run_set)


def run_open(args: Namespace) -> int:
    from app.services.disputes import open_dispute

    subject, number = ("payment", args.payment) if args.payment else ("bill", args.bill)
    dispute = open_dispute(
        open_db(args).unit_of_work(), account_number=args.account, subject=subject,
        number=number, reason=args.reason, owner=args.owner, username=args.user,
    )  # fmt: skip
    return _one(args, dispute, f"Dispute {dispute.short_id} opened on {dispute.subject_number}.")


def run_update(args: Namespace) -> int:
    from app.services.disputes import update_dispute

    dispute = update_dispute(
        open_db(args).unit_of_work(), dispute_ref=args.dispute, status=args.status,
        resolution=args.resolution, owner=args.owner, username=args.user,
    )  # fmt: skip
    return _one(args, dispute, f"Dispute {dispute.short_id} is {dispute.status_words.lower()}.")


def run_list(args: Namespace) -> int:
    from app.services.disputes import disputes_of

    found = disputes_of(open_db(args).read(), args.account)
    if args.json:
        emit_json([_json(d) for d in found])
        return 0
    if not found:
        print(f"No disputes for {args.account}.")
        return 0
    emit_table(
        ["Id", "On", "Status", "Owner", "Opened", "Reason", "Resolution"],
        [
            [d.short_id, d.subject_number, d.status_words, d.owner or "-",
             f"{d.opened_at:%Y-%m-%d} {d.opened_by}", d.reason, d.resolution or "-"]
            for d in found
        ],
    )  # fmt: skip
    return 0


def run_show(args: Namespace) -> int:
    from app.services.circumstances import circumstances_of

    return _circumstances(args, circumstances_of(open_db(args).read(), args.account))


def run_set(args: Namespace) -> int:
    from app.services.circumstances import CircumstancesRequest, set_circumstances

    start, _, end = args.time.partition("-")
    saved = set_circumstances(
        open_db(args).unit_of_work(),
        CircumstancesRequest(
            args.account, tuple(k for k in args.kinds.split(",") if k.strip()), args.note,
            args.channel, start.strip(), end.strip(), args.language,
        ),
        username=args.user,
    )  # fmt: skip
    return _circumstances(args, saved)


def _one(args: Namespace, dispute: DisputeView, line: str) -> int:
    if args.json:
        emit_json(_json(dispute))
    else:
        print(line)
    return 0


def _json(d: DisputeView) -> dict:
    return {
        "id": str(d.id), "account_number": d.account_number, "subject": d.subject,
        "subject_number": d.subject_number, "reason": d.reason, "status": d.status,
        "resolution": d.resolution, "owner": d.owner, "opened_at": d.opened_at,
        "opened_by": d.opened_by, "updated_at": d.updated_at, "updated_by": d.updated_by,
        "resolved_at": d.resolved_at,
    }  # fmt: skip


def _circumstances(args: Namespace, c: CircumstancesView) -> int:
    if args.json:
        emit_json(
            {
                "account_number": c.account_number, "circumstances": list(c.circumstances),
                "note": c.note, "preferred_channel": c.preferred_channel,
                "preferred_from": c.preferred_from, "preferred_until": c.preferred_until,
                "language": c.language, "needs_review": c.needs_review, "set_by": c.set_by,
                "set_at": c.set_at,
            }
        )  # fmt: skip
        return 0
    window = f"{c.preferred_from}-{c.preferred_until}" if c.preferred_from else ""
    emit_pairs(
        [
            ("Consumer", c.account_number),
            ("Circumstances", ", ".join(CIRCUMSTANCE_WORDS[Circumstance(k)] for k in
                                        c.circumstances) or "None recorded"),
            ("Recovery", "no automatic charge before review; gentle reminders"
             if c.needs_review else ""),
            ("Note", c.note), ("Preferred channel", c.preferred_channel),
            ("Preferred time", window), ("Language", c.language),
            ("Set by", f"{c.set_by} at {c.set_at:%Y-%m-%d %H:%M} UTC" if c.set_at else ""),
        ]
    )  # fmt: skip
    return 0
