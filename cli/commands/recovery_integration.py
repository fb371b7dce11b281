"""`tilldesk recovery export|webhooks ...`: exports and outgoing webhooks."""

from __future__ import annotations

import sys
import threading
from argparse import Namespace, _SubParsersAction
from pathlib import Path
from signal import SIGINT, SIGTERM, signal
from typing import TYPE_CHECKING

from app.domain.errors import UserFacingError
from app.services.outgoing_webhooks import EVENT_KINDS
from app.services.recovery_export import FORMATS, QUERIES
from cli.commands.recovery_service import open_recovery_db
from cli.output import emit_json, emit_pairs, emit_table

if TYPE_CHECKING:
    from app.services.outgoing_webhooks import Endpoint


def register(verbs: _SubParsersAction, common: list) -> None:
    """Add this area's verbs under `tilldesk recovery`."""
    hooks = verbs.add_parser("webhooks", help="outgoing webhooks: endpoints, delivery, log")
    actions = hooks.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", parents=common, help="send events to a URL (signed)")
    add.add_argument("url")
    add.add_argument("--events", required=True, help=f"comma-separated: {','.join(EVENT_KINDS)}")
    add.add_argument(
        "--secret-from-stdin",
        action="store_true",
        help="read the signing secret from stdin (default: a new one, printed once)",
    )
    add.set_defaults(run=run_add)
    listing = actions.add_parser("list", parents=common, help="the endpoints")
    listing.set_defaults(run=run_list)
    deliver = actions.add_parser("deliver", parents=common, help="send due events (until SIGTERM)")
    deliver.add_argument("--once", action="store_true", help="stop when nothing is due")
    deliver.add_argument("--poll-seconds", type=float, default=5.0)
    deliver.set_defaults(run=run_deliver)
    log = actions.add_parser("log", parents=common, help="every delivery try, newest first")
    log.add_argument("--limit", type=int, default=100)
    log.add_argument("--event", help="only this event id")
    log.set_defaults(run=run_log)

    export = verbs.add_parser("export", parents=common, help="cases, attempts, ... to CSV/Parquet")
    export.add_argument("what", choices=[*QUERIES, "results"])
    export.add_argument("--format", required=True, choices=FORMATS)
    export.add_argument("--out", required=True, type=Path)
    export.add_argument("--from", dest="first_day", help="first UTC day, YYYY-MM-DD")
    export.add_argument("--to", dest="last_day", help="last UTC day (included), YYYY-MM-DD")
    export.set_defaults(run=run_export)


def run_add(args: Namespace) -> int:
    from app.services.outgoing_webhooks import add_endpoint, parse_kinds
    from sync.outgoing.endpoint_secrets import new_secret, secret_ref, store_endpoint_secret
    from sync.server.keys import NoSafeKeyring

    kinds = parse_kinds(args.events)
    given = sys.stdin.readline().strip() if args.secret_from_stdin else None
    if args.secret_from_stdin and len(given or "") < 16:
        raise UserFacingError("Give a signing secret of at least 16 characters on stdin.")
    secret = given or new_secret()

    def keep(endpoint_id: str) -> str:
        ref = secret_ref(endpoint_id)
        try:
            store_endpoint_secret(ref, secret)
        except NoSafeKeyring as error:
            raise UserFacingError(error.message) from None
        return ref

    endpoint = add_endpoint(open_recovery_db(args), args.url, kinds, keep)
    shown = None if given else secret  # a generated secret is shown this once only
    if args.json:
        emit_json({**_endpoint_json(endpoint), **({"secret": shown} if shown else {})})
    else:
        emit_pairs(
            [("endpoint", endpoint.id), ("url", endpoint.url), ("events", ",".join(kinds)),
             ("secret", f"{shown}  (shown once: give it to the receiver)" if shown else "")]
        )  # fmt: skip
    return 0


def _endpoint_json(endpoint: Endpoint) -> dict[str, object]:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "events": list(endpoint.kinds),
        "active": endpoint.active,
        "created_at": endpoint.created_at,
        "deactivated_reason": endpoint.deactivated_reason,
    }


def run_list(args: Namespace) -> int:
    from app.services.outgoing_webhooks import list_endpoints

    endpoints = list_endpoints(open_recovery_db(args))
    if args.json:
        emit_json([_endpoint_json(e) for e in endpoints])
        return 0
    if not endpoints:
        print("No webhook endpoints: add one with `tilldesk recovery webhooks add URL --events`.")
        return 0
    rows = [
        [e.id, e.url, ",".join(e.kinds), "yes" if e.active else f"no ({e.deactivated_reason})"]
        for e in endpoints
    ]
    emit_table(["id", "url", "events", "active"], rows)
    return 0


def run_deliver(args: Namespace) -> int:
    from sync.outgoing.deliverer import Deliverer, deliver_until

    engine = open_recovery_db(args)
    stop = threading.Event()
    previous = {s: signal(s, lambda *_: stop.set()) for s in (SIGTERM, SIGINT)}
    try:
        tally = deliver_until(Deliverer(engine), stop, poll=args.poll_seconds, once=args.once)
    finally:
        for number, handler in previous.items():
            signal(number, handler)
        engine.dispose()
    totals = {k: getattr(tally, k) for k in ("delivered", "failed", "gave_up", "gone")}
    if args.json:
        emit_json(totals)
    else:
        emit_pairs(list(totals.items()))
    return 0


def run_log(args: Namespace) -> int:
    from app.services.webhook_deliveries import delivery_log

    entries = delivery_log(open_recovery_db(args), limit=args.limit, event_id=args.event)
    if args.json:
        emit_json(entries)
        return 0
    if not entries:
        print("No webhook deliveries yet.")
        return 0
    rows = [
        [str(e.delivery_id), e.kind, e.event_id[:8], e.url, str(e.attempt), e.outcome,
         str(e.status_code or ""), (e.error or "")[:40],
         f"{(e.tried_at or e.next_at):%Y-%m-%d %H:%M:%S}" if (e.tried_at or e.next_at) else ""]
        for e in entries
    ]  # fmt: skip
    emit_table(
        ["id", "kind", "event", "url", "try", "outcome", "code", "error", "at (UTC)"],
        rows,
        right=frozenset({0, 4}),
    )
    return 0


def run_export(args: Namespace) -> int:
    from app.services.recovery_export import export_records, parse_day

    first, last = parse_day(args.first_day, "--from"), parse_day(args.last_day, "--to")
    engine = open_recovery_db(args)
    if args.what == "results":
        from app.services.recovery_export_results import export_results

        count = export_results(engine, args.format, args.out, first, last)
    else:
        count = export_records(engine, args.what, args.format, args.out, first, last)
    if args.json:
        emit_json({"what": args.what, "rows": count, "file": str(args.out)})
    else:
        print(f"{count} {args.what} rows written to {args.out}")
    return 0
