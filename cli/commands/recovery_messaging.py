"""`tilldesk recovery messages|optout|contact|message-rules`: reminders and their rules."""

from argparse import Namespace, _SubParsersAction
from datetime import UTC, datetime
from typing import Any

from app.domain.errors import UserFacingError
from app.recovery.messaging_rules import CHANNELS
from cli.commands.recovery_service import open_recovery_db
from cli.output import emit_json, emit_pairs, emit_table

DIMENSIONS = ("channel", "template", "hour")


def register(verbs: _SubParsersAction, common: list) -> None:
    """Add this area's verbs under `tilldesk recovery`."""
    messages = verbs.add_parser(
        "messages", parents=common, help="reminders sent: channel, UTC and local time, events"
    )
    messages.add_argument("--case", dest="case_id", help="one case's messages")
    messages.add_argument(
        "--counts", action="store_true", help="counts by channel, template and local hour"
    )
    messages.set_defaults(run=run_messages)

    optout = verbs.add_parser(
        "optout", parents=common, help="record a consumer's opt-out, or list them (--list)"
    )
    optout.add_argument("consumer_id", nargs="?", metavar="CONSUMER")
    optout.add_argument("--channel", choices=(*CHANNELS, "all"))
    optout.add_argument("--source", default="cli", help="where it came from (letter, call ...)")
    optout.add_argument("--evidence", default="", help="what shows it (a note, a reference)")
    optout.add_argument("--list", action="store_true", help="every opt-out in force")
    optout.set_defaults(run=run_optout)

    contact = verbs.add_parser(
        "contact", parents=common, help="add a consumer's phone or e-mail (checked), or list"
    )
    contact.add_argument("consumer_id", nargs="?", metavar="CONSUMER")
    contact.add_argument("--channel", choices=CHANNELS)
    contact.add_argument("--address", help="the e-mail address, or the phone number")
    contact.add_argument("--verified", action="store_true", help="the consumer confirmed it")
    contact.add_argument("--list", action="store_true", help="contact points and their state")
    contact.set_defaults(run=run_contact)

    rules = verbs.add_parser(
        "message-rules", parents=common, help="show or change the hours, weekends and caps"
    )
    rules.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="hours=08:00-21:00, weekend=sun, per_day=1, per_week=3, channels=sms,email",
    )
    rules.add_argument("--place-hours", action="append", default=[], metavar="PLACE=HH:MM-HH:MM")
    rules.add_argument("--place-weekend", action="append", default=[], metavar="PLACE=DAYS")
    rules.set_defaults(run=run_rules)


def run_messages(args: Namespace) -> int:
    from app.services.message_records import list_messages

    engine = open_recovery_db(args)
    if args.counts:
        return _counts(engine, args.json)
    views = list_messages(engine, args.case_id)
    if args.json:
        emit_json(views)
        return 0
    emit_table(
        ["case", "template", "channel", "sent (UTC)", "local", "zone", "status", "events"],
        [
            [
                v.case_id,
                v.template,
                v.channel,
                f"{v.sent_at:%Y-%m-%d %H:%M}Z",
                v.local_at[:16].replace("T", " "),
                v.zone,
                _status(v.accepted, v.error),
                ", ".join(e.type for e in v.events) or "-",
            ]
            for v in views
        ],
    )
    return 0


def _counts(engine: Any, as_json: bool) -> int:
    from app.services.message_records import message_counts, totals_by

    counts = message_counts(engine)
    totals = {f"by_{d}": totals_by(counts, d) for d in DIMENSIONS}
    if as_json:
        emit_json({"rows": counts, **totals})
        return 0
    for dimension in DIMENSIONS:
        table = totals[f"by_{dimension}"]
        print(f"by {dimension}")
        emit_table(
            [dimension, "sent", "accepted", "delivered", "read", "clicked", "failed"],
            [
                [key]
                + [
                    str(v.get(k, 0))
                    for k in ("sent", "accepted", "delivered", "read", "clicked", "failed")
                ]
                for key, v in table.items()
            ],
            right=frozenset(range(1, 7)),
        )
        print()
    return 0


def run_optout(args: Namespace) -> int:
    from app.services.message_consents import list_opt_outs, opt_out

    engine = open_recovery_db(args)
    if args.list:
        consents = list_opt_outs(engine)
        if args.json:
            emit_json(consents)
            return 0
        emit_table(
            ["consumer", "channel", "since (UTC)", "source", "evidence"],
            [
                [c.consumer_id, c.channel, f"{c.at:%Y-%m-%d %H:%M}Z", c.source, c.evidence]
                for c in consents
            ],
        )
        return 0
    if not args.consumer_id or not args.channel:
        raise UserFacingError(
            "Name the consumer and the channel: optout CONSUMER --channel sms|email|whatsapp|all"
            " (or --list)."
        )
    channels = opt_out(
        engine,
        args.consumer_id,
        args.channel,
        datetime.now(UTC),
        source=args.source,
        evidence=args.evidence,
    )
    result = {"consumer": args.consumer_id, "opted_out": channels, "source": args.source}
    if args.json:
        emit_json(result)
    else:
        emit_pairs([("consumer", args.consumer_id), ("opted out of", ", ".join(channels))])
    return 0


def run_contact(args: Namespace) -> int:
    from app.services.message_consents import add_contact, list_contact_points

    engine = open_recovery_db(args)
    if args.list:
        points = list_contact_points(engine, args.consumer_id)
        if args.json:
            emit_json(points)
            return 0
        emit_table(
            ["consumer", "channel", "address", "state", "reason"],
            [[p.consumer_id, p.channel, p.address, p.state, p.reason or ""] for p in points],
        )
        return 0
    if not (args.consumer_id and args.channel and args.address):
        raise UserFacingError(
            "Name the consumer, the channel and the address: contact CONSUMER --channel sms"
            " --address +14155550123 (or --list)."
        )
    stored = add_contact(
        engine, args.consumer_id, args.channel, args.address, datetime.now(UTC),
        verified=args.verified,
    )  # fmt: skip
    if args.json:
        emit_json({"consumer": args.consumer_id, "channel": args.channel, "address": stored})
    else:
        emit_pairs([("consumer", args.consumer_id), (args.channel, stored)])
    return 0


def run_rules(args: Namespace) -> int:
    from app.services.messaging_settings import load_rules, save_rules

    engine = open_recovery_db(args)
    changes: dict[str, Any] = {}
    for item in args.set:
        key, _, value = item.partition("=")
        key = key.strip()
        changes[key] = value.split(",") if key == "channels" else value
    current = load_rules(engine).to_mapping()
    for option, key in (("place_hours", "hours_by_place"), ("place_weekend", "weekends_by_place")):
        for item in getattr(args, option):
            place, _, value = item.partition("=")
            merged = dict(changes.get(key, current[key]))
            if value.strip():
                merged[place.strip().upper()] = value.strip()
            else:  # PLACE= takes the place's own rule away
                merged.pop(place.strip().upper(), None)
            changes[key] = merged
    rules = save_rules(engine, changes, username="cli") if changes else load_rules(engine)
    shown = rules.to_mapping()
    if args.json:
        emit_json(shown)
    else:
        emit_pairs([(k, v if isinstance(v, str | int) else repr(v)) for k, v in shown.items()])
    return 0


def _status(accepted: bool, error: str | None) -> str:
    from app.services.message_history import SENDING

    if accepted:
        return "sent"
    if error == SENDING:
        return "sending"
    return f"refused: {error or ''}"
