"""`tilldesk recovery note CASE TEXT` and `tilldesk recovery escalate CASE --to --reason`.

As for pause/resume/stop, whoever can open the recovery database acts as its operator: --user
names the person (default: the signed-in OS user) and is kept on the case's timeline.
"""

import getpass
from argparse import Namespace, _SubParsersAction
from datetime import UTC, datetime

from cli.commands.recovery_service import open_recovery_db
from cli.output import emit_json


def register(verbs: _SubParsersAction, common: list) -> None:
    """Add this area's verbs under `tilldesk recovery`."""
    note = verbs.add_parser("note", parents=common, help="add a free-text note to a case")
    note.add_argument("case")
    note.add_argument("text")
    note.add_argument("--user", help="who writes it (default: the signed-in OS user)")
    note.set_defaults(run=run_note)

    escalate = verbs.add_parser(
        "escalate", parents=common,
        help="hand a case to a named owner, due within business hours (publishes case.escalated)",
    )  # fmt: skip
    escalate.add_argument("case")
    escalate.add_argument("--to", required=True, dest="owner", help="the named owner")
    escalate.add_argument("--reason", required=True)
    escalate.add_argument(
        "--within-hours", type=float, default=4.0, help="business hours until due (default 4)"
    )
    escalate.add_argument("--user", help="who escalates (default: the signed-in OS user)")
    escalate.set_defaults(run=run_escalate)


def run_note(args: Namespace) -> int:
    from app.services.recovery_case_actions import add_note

    action = add_note(open_recovery_db(args), args.case, args.text, _user(args), _now())
    if args.json:
        emit_json(action)
    else:
        print(f"Note added to case {action.case_id}.")
    return 0


def run_escalate(args: Namespace) -> int:
    from app.services.recovery_case_actions import escalate_case

    action = escalate_case(
        open_recovery_db(args), args.case, args.owner, args.reason, _user(args), _now(),
        args.within_hours,
    )  # fmt: skip
    if args.json:
        emit_json(action)
    else:
        due = f"{action.due_at:%Y-%m-%d %H:%M}Z" if action.due_at else "-"
        print(f"Case {action.case_id} escalated to {action.owner}, due {due}.")
    return 0


def _user(args: Namespace) -> str:
    return args.user or getpass.getuser()


def _now() -> datetime:
    return datetime.now(UTC)
