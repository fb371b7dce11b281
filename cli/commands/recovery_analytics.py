"""`tilldesk recovery analytics|alerts ...`: payment-method analytics and alerts.

Alerts are evaluated by `tilldesk recovery alerts check` (a scheduler, or the recovery service
every few minutes): each run raises, escalates or clears with hysteresis, so running it often is
safe.
"""

from __future__ import annotations

import getpass
from argparse import Namespace, _SubParsersAction
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from app.domain.errors import UserFacingError
from app.recovery.analytics.categories import METHODS
from app.recovery.analytics.metrics import DIMENSIONS
from app.services.recovery_analytics import COST_KINDS
from cli.commands.recovery_service import open_recovery_db
from cli.output import emit_json, emit_table, plain

if TYPE_CHECKING:
    from app.recovery.analytics.metrics import GroupMetrics
    from app.services.recovery_alerts import AlertView


def register(verbs: _SubParsersAction, common: list) -> None:
    """Add this area's verbs under `tilldesk recovery`."""
    report = verbs.add_parser(
        "analytics", parents=common, help="failure, recovery, cost and churn per payment method"
    )
    report.add_argument("--by", choices=DIMENSIONS, default="method")
    report.add_argument("--from", dest="date_from", type=_day, help="first day, YYYY-MM-DD")
    report.add_argument("--to", dest="date_to", type=_day, help="last day, YYYY-MM-DD")
    report.set_defaults(run=run_analytics)

    volume = verbs.add_parser(
        "volume", parents=common, help="record a day's first charges (the failure rate's base)"
    )
    volume.add_argument("day", type=_day, help="YYYY-MM-DD (UTC)")
    volume.add_argument("method", choices=METHODS)
    volume.add_argument("gateway")
    volume.add_argument("charges", type=int, help="every first charge, approved or not")
    volume.set_defaults(run=run_volume)

    cost = verbs.add_parser(
        "cost", parents=common, help="what a retry (per gateway) or a message (per channel) costs"
    )
    cost.add_argument("kind", choices=COST_KINDS)
    cost.add_argument("key", help="gateway (attempt) or channel (message); * for the default")
    cost.add_argument("cost_minor", type=int, help="in minor units (cents, paise)")
    cost.set_defaults(run=run_cost)

    alerts = verbs.add_parser(
        "alerts", parents=common, help="open alerts; `check` evaluates now; `ack ID`"
    )
    alerts.add_argument("action", nargs="?", choices=("list", "check", "ack"), default="list")
    alerts.add_argument("alert_id", nargs="?", help="the alert to acknowledge (ack)")
    alerts.add_argument("--as", dest="who", help="who acknowledges (default: your user name)")
    alerts.add_argument("--at", type=_moment, help="evaluate as of this UTC time (check)")
    alerts.set_defaults(run=run_alerts)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserFacingError(f"{text!r} is not a day: write it as YYYY-MM-DD.") from None


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UserFacingError(f"{text!r} is not a time: write it as ISO-8601 UTC.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f} %"


def run_analytics(args: Namespace) -> int:
    from app.services.recovery_analytics import analytics, default_period

    first, last = default_period(datetime.now(UTC).date())
    date_from, date_to = args.date_from or first, args.date_to or last
    if args.date_from and not args.date_to:
        date_to = max(date_from, last)
    result = analytics(open_recovery_db(args), args.by, date_from, date_to)
    if args.json:
        emit_json(
            {
                "by": result.by,
                "from": result.date_from,
                "to": result.date_to,
                "volume_known": result.volume_known,
                "rows": result.rows,
            }
        )
        return 0
    print(f"Payment-method analytics by {result.by}, {result.date_from} to {result.date_to}")
    if not result.volume_known:
        print("(no charge volume recorded: failure rates are unknown)")
    emit_table(
        [result.by, "failed", "failure", "recovered", "avg days", "cost", "churn", "satisfied"],
        [_row(row) for row in result.rows],
        right=frozenset(range(1, 8)),
    )
    return 0


def _row(row: GroupMetrics) -> list[str]:
    days = "-" if row.avg_recovery_days is None else f"{row.avg_recovery_days:.1f}"
    return [
        row.key,
        str(row.failed),
        _percent(row.failure_rate),
        f"{row.recovered} ({_percent(row.recovery_rate)})",
        days,
        str(row.recovery_cost_minor),
        _percent(row.churn_rate),
        _percent(row.satisfaction_rate),
    ]


def run_volume(args: Namespace) -> int:
    from app.services.recovery_analytics import record_charge_volume

    record_charge_volume(open_recovery_db(args), args.day, args.method, args.gateway, args.charges)
    if args.json:
        emit_json({"day": args.day, "method": args.method, "gateway": args.gateway,
                   "charges": args.charges})  # fmt: skip
    else:
        print(f"{args.charges} charges on {args.method} at {args.gateway} on {args.day}.")
    return 0


def run_cost(args: Namespace) -> int:
    from app.services.recovery_analytics import set_cost_rate

    set_cost_rate(open_recovery_db(args), args.kind, args.key, args.cost_minor)
    if args.json:
        emit_json({"kind": args.kind, "key": args.key, "cost_minor": args.cost_minor})
    else:
        print(f"A{'n' if args.kind == 'attempt' else ''} {args.kind} on {args.key} costs "
              f"{args.cost_minor} minor units.")  # fmt: skip
    return 0


def run_alerts(args: Namespace) -> int:
    from app.services.recovery_alerts import acknowledge, evaluate, open_alerts

    engine = open_recovery_db(args)
    if args.action == "ack":
        if not args.alert_id:
            raise UserFacingError("Say which alert: tilldesk recovery alerts ack ID.")
        who = args.who or getpass.getuser()
        alert = acknowledge(engine, args.alert_id, who, datetime.now(UTC))
        if args.json:
            emit_json(_alert_json(alert))
        else:
            print(f"Alert {alert.id} acknowledged by {who}.")
        return 0
    if args.alert_id:
        raise UserFacingError("Only `ack` takes an alert id.")
    if args.action == "check":
        changes = evaluate(engine, args.at or datetime.now(UTC))
        if args.json:
            emit_json(
                {
                    "changes": [
                        {"transition": c.transition.value, "alert": _alert_json(c.alert)}
                        for c in changes
                    ],
                    "open": [_alert_json(a) for a in open_alerts(engine)],
                }
            )
        else:
            for change in changes:
                print(f"{change.transition.value}: {change.alert.text}")
            print(f"{len(open_alerts(engine))} open alert(s)")
        return 0
    alerts = open_alerts(engine)
    if args.json:
        emit_json([_alert_json(a) for a in alerts])
    else:
        _print_alerts(alerts)
    return 0


def _alert_json(alert: AlertView) -> dict[str, Any]:
    return {**plain(alert), "text": alert.text}


def _print_alerts(alerts: list[AlertView]) -> None:
    if not alerts:
        print("No open alerts.")
        return
    emit_table(
        ["id", "level", "alert", "since", "acknowledged"],
        [
            [
                a.id,
                a.level,
                a.text,
                f"{a.raised_at:%Y-%m-%d %H:%M}Z",
                a.acknowledged_by or "",
            ]
            for a in alerts
        ],
    )
