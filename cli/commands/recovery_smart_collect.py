"""`tilldesk recovery smart-collect|segments|segment-config|queue|credits|escalations`.

The recovery database has no users of its own: --user names the person acting (recorded on
the decision or the audit row, default: the signed-in OS user); no PIN is asked. Whoever can
open the recovery database is trusted as its operator, as for pause/resume/stop.
"""

from __future__ import annotations

import getpass
from argparse import Namespace, _SubParsersAction
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.errors import UserFacingError
from app.domain.money import parse_amount
from cli.commands.recovery_service import open_recovery_db
from cli.output import emit_json, emit_pairs, emit_table, money

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.services.smart_collect import SmartCollectView

CREDITS_HELP = (
    "import observed credits (salary, other income) from a CSV: consumer_id, date, amount, "
    "currency[, source, balance]. Without any credits Smart Collect infers the pattern from "
    "the consumer's approved payments, and balances are then unknown"
)


def register(verbs: _SubParsersAction, common: list) -> None:
    """Add this area's verbs under `tilldesk recovery`."""
    smart = verbs.add_parser(
        "smart-collect", parents=common,
        help="a consumer's income pattern, collection window, bands, signals and summary "
        "(from imported credits, else from approved payments)",
    )  # fmt: skip
    smart.add_argument("consumer")
    action = smart.add_mutually_exclusive_group()
    action.add_argument("--reschedule", metavar="CASE", help="move CASE to the optimal window")
    action.add_argument(
        "--attempt-now", metavar="CASE", help="a supervisor's attempt now (needs --user)"
    )
    smart.add_argument("--user", help="who acts (default: the signed-in OS user)")
    smart.add_argument(
        "--cost-per-retry", default="50", help="cost of one retry, in the currency (default 50)"
    )
    smart.set_defaults(run=run_smart_collect)

    segments = verbs.add_parser("segments", parents=common, help="open cases' segments and why")
    segments.set_defaults(run=run_segments)

    config = verbs.add_parser("segment-config", parents=common, help="segment configurations")
    config_verbs = config.add_subparsers(dest="config_verb", required=True)
    show = config_verbs.add_parser("show", parents=common, help="configurations in force")
    show.add_argument("segment", nargs="?")
    show.add_argument("--history", action="store_true", help="every version: who, when, what")
    show.set_defaults(run=run_config_show)
    change = config_verbs.add_parser("set", parents=common, help="a new version of a segment's")
    change.add_argument("segment")
    change.add_argument("settings", nargs="+", metavar="KEY=VALUE", help="lists: a,b,c")
    change.add_argument("--user", help="who changes it (default: the signed-in OS user)")
    change.add_argument("--note", default="")
    change.set_defaults(run=run_config_set)

    queue = verbs.add_parser("queue", parents=common, help="open cases by priority")
    queue.set_defaults(run=run_queue)

    credits = verbs.add_parser("credits", parents=common, help="observed credits")
    credit_verbs = credits.add_subparsers(dest="credits_verb", required=True)
    load = credit_verbs.add_parser("import", parents=common, help=CREDITS_HELP)
    load.add_argument("file", type=Path)
    load.set_defaults(run=run_credits_import)

    steps = verbs.add_parser(
        "escalations", parents=common,
        help="open the escalation steps the rules call for, mark overdue ones missed, list all",
    )  # fmt: skip
    steps.add_argument("--executive", default="recovery executive", help="the named executive")
    steps.set_defaults(run=run_escalations)
    done = verbs.add_parser("escalation-done", parents=common, help="record a step as done")
    done.add_argument("step", type=int)
    done.add_argument("--user", help="who did it (default: the signed-in OS user)")
    done.add_argument("--note", default="")
    done.set_defaults(run=run_escalation_done)


def _now() -> datetime:
    return datetime.now(UTC)


def _user(args: Namespace) -> str:
    return (args.user or getpass.getuser()).strip()


def run_smart_collect(args: Namespace) -> int:
    from app.services.smart_collect import smart_collect_view, view_as_dict
    from app.services.smart_collect_actions import attempt_now, reschedule_to_window

    engine = open_recovery_db(args)
    if args.reschedule or args.attempt_now:
        if args.attempt_now and not args.user:
            raise UserFacingError("Attempt now is a supervisor's action: name them with --user.")
        case_id = args.reschedule or args.attempt_now
        _check_consumer(engine, args.consumer, case_id)
        act = reschedule_to_window if args.reschedule else attempt_now
        result = act(engine, case_id, _user(args), _now())
        if args.json:
            emit_json(result)
        else:
            print(f"Case {case_id} will be attempted at {result.next_at:%Y-%m-%d %H:%M}Z: "
                  f"{result.reason}.")  # fmt: skip
        return 0
    view = smart_collect_view(engine, args.consumer, _now(), _cost(args, engine))
    if args.json:
        emit_json(view_as_dict(view))
        return 0
    _print_view(view)
    return 0


def _cost(args: Namespace, engine: Engine) -> int:
    from app.services.smart_collect_data import read_consumer

    rows = read_consumer(engine, args.consumer)
    currency = rows.cases[-1]["currency"] if rows.cases else "USD"
    return parse_amount(args.cost_per_retry, currency, field="--cost-per-retry")


def _check_consumer(engine: Engine, consumer_id: str, case_id: str) -> None:
    from app.services.smart_collect_data import read_consumer

    if case_id not in {c["id"] for c in read_consumer(engine, consumer_id).cases}:
        raise UserFacingError(f"Consumer {consumer_id} has no case {case_id}.")


def _print_view(view: SmartCollectView) -> None:
    income, cur = view.income, view.currency
    window = view.next_window
    amount = f"{money(income.typical_amount_minor, cur)} {cur}" if income.credits >= 3 else "-"
    emit_pairs([
        ("consumer", f"{view.consumer_id} {view.name}".strip()),
        ("income", f"{income.kind.value} (from {income.source}, {income.credits} credits), day "
                   f"{income.typical_day or '-'}, {amount}, "
                   f"consistency {income.consistency:.0f}/100 (CV {income.amount_cv:.2f})"),
        ("window", f"{window.start}..{window.end}, confidence {window.confidence:.0f}"
                   if window else "unknown: no income pattern yet"),
        ("payment behaviour", f"punctuality {view.behaviour.punctuality:.0f} % over "
                              f"{view.behaviour.bills} paid bill(s), "
                              f"{view.behaviour.average_delay_days} days late on average, "
                              f"prefers {view.behaviour.preferred_payment_time}"),
        ("segments", ", ".join(f"{s.dimension}={s.value}" for s in view.segments)),
        ("bands", view.calibration),
    ])  # fmt: skip
    s = view.summary
    print("\nSummary")
    emit_pairs([
        ("scheduled / successful / failed / pending",
         f"{s.total_scheduled} / {s.successful_collections} / {s.failed_collections} / "
         f"{s.pending_collections}"),
        ("success rate", f"{s.collection_success_rate} %"),
        ("collected / pending", f"{money(s.total_amount_collected_minor, cur)} / "
                                f"{money(s.total_amount_pending_minor, cur)} {cur}"),
        ("average retry count", str(s.average_retry_count)),
        ("cost saved", f"{money(s.cost_saved_minor, cur)} {cur}"),
    ])  # fmt: skip
    print("\nKPIs")
    kpis = [[k.name, k.target, str(k.actual), "yes" if k.met else "no"] for k in view.kpis]
    emit_table(["kpi", "target", "actual", "met"], kpis)
    print("\nUpcoming collections")
    emit_table(
        ["case", "kind", "amount", "date", "window", "probability", "band"],
        [[u.collection_id, u.kind, money(u.amount_minor, u.currency) or "",
          str(u.scheduled_date),
          f"{u.window.start}..{u.window.end}" if u.window else "-",
          f"{u.collection_probability:.1f} %", u.status.value] for u in view.upcoming],
        right=frozenset({2, 5}),
    )  # fmt: skip
    print("\nSmart retries")
    for retry in view.smart_retries:
        when = retry.plan.at or ("escalate" if retry.plan.escalate else "no retry")
        print(f"  {retry.case_id}: {when} - {retry.plan.reason}")
    print("\nRisk signals")
    for signal in view.signals:
        print(f"  {signal.severity.value:<6} {signal.signal_type}: {signal.description} "
              f"({signal.detected_date})")  # fmt: skip
    print("\nRecommendations")
    for r in view.recommendations:
        print(f"  {r.priority:<6} {r.recommendation_type}: {r.reason}. {r.action_required} "
              f"({r.expected_impact})")  # fmt: skip


def run_segments(args: Namespace) -> int:
    from app.services.smart_collect_queue import assess_open_cases

    items = assess_open_cases(open_recovery_db(args), _now())
    if args.json:
        emit_json([{"case_id": i.case["id"], "consumer_id": i.case["consumer_id"],
                    "segments": i.segments} for i in items])  # fmt: skip
        return 0
    for item in items:
        print(f"{item.case['id']} ({item.case['consumer_id']})")
        for s in item.segments:
            print(f"  {s.dimension:<8} {s.value:<12} {s.why}")
    return 0


def run_config_show(args: Namespace) -> int:
    from app.services.smart_collect_segments import config_history, current_configs

    engine = open_recovery_db(args)
    if args.history:
        changes = config_history(engine, args.segment)
        if args.json:
            emit_json(changes)
        for c in [] if args.json else changes:
            print(f"{c.segment} v{c.version} {c.changed_at:%Y-%m-%d %H:%M}Z by {c.changed_by}: "
                  + ", ".join(f"{k} {old!r} -> {new!r}" for k, (old, new) in c.changes.items())
                  + (f" ({c.note})" if c.note else ""))  # fmt: skip
        return 0
    configs = current_configs(engine)
    if args.segment:
        if args.segment not in configs:
            raise UserFacingError(f"Unknown segment {args.segment!r}: choose {', '.join(configs)}.")
        configs = {args.segment: configs[args.segment]}
    if args.json:
        emit_json(configs)
        return 0
    for config in configs.values():
        print(f"{config.segment} (version {config.version}, by {config.changed_by})")
        for key, value in config.settings.items():
            print(f"  {key:<24} {value}")
    return 0


def run_config_set(args: Namespace) -> int:
    from app.services.smart_collect_segments import parse_settings, set_config

    engine = open_recovery_db(args)
    changes = parse_settings(args.segment, args.settings)
    config = set_config(engine, args.segment, changes, _user(args), _now(), args.note)
    if args.json:
        emit_json(config)
    else:
        print(f"{config.segment} configuration is now version {config.version}.")
    return 0


def run_queue(args: Namespace) -> int:
    from app.services.smart_collect_queue import recovery_queue

    entries = recovery_queue(open_recovery_db(args), _now())
    if args.json:
        emit_json(entries)
        return 0
    emit_table(
        ["priority", "case", "consumer", "segment", "owed", "band", "next", "next action"],
        [[f"{e.priority:.1f}", e.case_id, e.consumer_id, e.segment,
          money(e.owed_minor, e.currency) or "", e.band,
          f"{e.next_at:%Y-%m-%d %H:%M}Z" if e.next_at else "-", e.next_action[:60]]
         for e in entries],
        right=frozenset({0, 4}),
    )  # fmt: skip
    return 0


def run_credits_import(args: Namespace) -> int:
    from app.services.smart_collect_credits import import_credits

    report = import_credits(open_recovery_db(args), args.file, _now())
    if args.json:
        emit_json(report)
    else:
        for refused in report.refused:
            print(f"refused {refused}")
        emit_pairs([("added", str(report.added)), ("already known", str(report.already_known)),
                    ("refused", str(len(report.refused)))])  # fmt: skip
    return 3 if report.refused else 0


def run_escalations(args: Namespace) -> int:
    from app.services.smart_collect_escalations import evaluate_escalations

    steps = evaluate_escalations(open_recovery_db(args), _now(), args.executive)
    if args.json:
        emit_json(steps)
        return 0
    emit_table(
        ["step", "case", "state", "due", "owner", "action"],
        [[str(s.id), s.case_id, s.state, f"{s.due_at:%Y-%m-%d %H:%M}Z", s.owner, s.action]
         for s in steps],
    )  # fmt: skip
    return 0


def run_escalation_done(args: Namespace) -> int:
    from app.services.smart_collect_escalations import close_escalation

    close_escalation(open_recovery_db(args), args.step, _user(args), args.note, _now())
    if args.json:
        emit_json({"step": args.step, "state": "done"})
    else:
        print(f"Escalation step {args.step} is done.")
    return 0
