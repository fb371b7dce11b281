"""`tilldesk users ...` and `tilldesk settings ...`: the admin's Settings screen, headless."""

from __future__ import annotations

import json
from argparse import Namespace, _SubParsersAction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.errors import UserFacingError
from cli.context import add_user_option, open_db
from cli.output import emit_json, emit_pairs, emit_table

if TYPE_CHECKING:
    from app.services.users import UserView


def register(sub: _SubParsersAction, common: list) -> None:
    _register_users(sub, common)
    _register_settings(sub, common)


def _register_users(sub: _SubParsersAction, common: list) -> None:
    users = sub.add_parser("users", help="who may sign in at this counter (admin)")
    verbs = users.add_subparsers(dest="verb", metavar="VERB", required=True)
    listing = verbs.add_parser("list", parents=common, help="every user, role and status")
    listing.set_defaults(run=run_users_list)
    add = verbs.add_parser("add", parents=common, help="create a user")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="full name")
    add.add_argument("--role", required=True, help="cashier, recovery_executive, ...")
    add.add_argument("--pin", required=True, help="4 to 8 digits")
    add.set_defaults(run=run_users_add)
    for verb, helptext in (("disable", "stop a user signing in"), ("enable", "let them again")):
        parser = verbs.add_parser(verb, parents=common, help=helptext)
        parser.add_argument("username")
        parser.set_defaults(run=run_users_active, active=verb == "enable")
    role = verbs.add_parser("role", parents=common, help="change a user's role")
    role.add_argument("username")
    role.add_argument("role")
    role.set_defaults(run=run_users_role)
    pin = verbs.add_parser("reset-pin", parents=common, help="give a user a new PIN")
    pin.add_argument("username")
    pin.add_argument("--pin", required=True, help="4 to 8 digits")
    pin.set_defaults(run=run_users_reset_pin)
    for parser in verbs.choices.values():
        add_user_option(parser, "acting admin (default: admin); PIN asked for, or $TILLDESK_PIN")


def _register_settings(sub: _SubParsersAction, common: list) -> None:
    settings = sub.add_parser("settings", help="this counter's settings (changes: admin)")
    verbs = settings.add_subparsers(dest="verb", metavar="VERB", required=True)
    show = verbs.add_parser("show", parents=common, help="every setting")
    show.set_defaults(run=run_settings_show)
    change = verbs.add_parser("set", parents=common, help="change one or more settings")
    change.add_argument(
        "pairs",
        nargs="+",
        metavar="KEY=VALUE",
        help='e.g. idle_lock_minutes=10 or channels=\'["Walk-in","Phone"]\' (JSON for lists)',
    )
    add_user_option(change, "acting admin (default: admin); PIN asked for, or $TILLDESK_PIN")
    change.set_defaults(run=run_settings_set)
    logo = verbs.add_parser("logo", parents=common, help="set or remove the receipt logo")
    logo.add_argument("file", nargs="?", type=Path, help="PNG, JPEG, BMP or GIF")
    logo.add_argument("--remove", action="store_true", help="print no logo")
    add_user_option(logo, "acting admin (default: admin); PIN asked for, or $TILLDESK_PIN")
    logo.set_defaults(run=run_settings_logo)


# -- users ------------------------------------------------------------------------------------
def run_users_list(args: Namespace) -> int:
    from app.services.users import list_users

    users = list_users(open_db(args).unit_of_work(), username=args.user)
    if args.json:
        emit_json([_user_json(u) for u in users])
        return 0
    rows = [[u.username, u.full_name, u.role.label, u.status] for u in users]
    emit_table(["User", "Name", "Role", "Status"], rows)
    return 0


def run_users_add(args: Namespace) -> int:
    from app.services.users import create_user

    user = create_user(
        open_db(args).unit_of_work(),
        new_username=args.username,
        full_name=args.name,
        role=args.role,
        pin=args.pin,
        username=args.user,
    )
    return _show_user(args, user, "added")


def run_users_active(args: Namespace) -> int:
    from app.services.users import set_user_active

    user = set_user_active(
        open_db(args).unit_of_work(), args.username, args.active, username=args.user
    )
    return _show_user(args, user, "enabled" if args.active else "disabled")


def run_users_role(args: Namespace) -> int:
    from app.services.users import change_role

    user = change_role(open_db(args).unit_of_work(), args.username, args.role, username=args.user)
    return _show_user(args, user, f"is now a {user.role.label.lower()}")


def run_users_reset_pin(args: Namespace) -> int:
    from app.services.users import reset_pin

    user = reset_pin(open_db(args).unit_of_work(), args.username, args.pin, username=args.user)
    return _show_user(args, user, "has a new PIN")


def _show_user(args: Namespace, user: UserView, verb: str) -> int:
    if args.json:
        emit_json(_user_json(user))
    else:
        print(f"User {user.username} ({user.full_name}) {verb}.")
    return 0


def _user_json(user: UserView) -> dict[str, Any]:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role.value,
        "active": user.active,
        "created_at": user.created_at.isoformat(),
    }


# -- settings -------------------------------------------------------------------------------------
def run_settings_show(args: Namespace) -> int:
    from app.services.settings import current_settings

    values = current_settings(open_db(args).unit_of_work()).to_mapping()
    if values["receipt_logo"]:
        values["receipt_logo"] = f"(PNG, {len(values['receipt_logo']) * 3 // 4} bytes)"
    if args.json:
        emit_json(values)
        return 0
    emit_pairs([(key, _shown(value)) for key, value in values.items()])
    return 0


def run_settings_set(args: Namespace) -> int:
    from app.services.settings import current_settings, update_settings

    db = open_db(args)
    current = current_settings(db.unit_of_work()).to_mapping()
    changes = dict(_pair(text, current) for text in args.pairs)
    result = update_settings(db.unit_of_work(), changes, username=args.user)
    if args.json:
        emit_json({"changed": list(result.changed_keys)})
    elif result.changed_keys:
        print(f"Changed: {', '.join(result.changed_keys)}.")
    else:
        print("Nothing changed: the settings already had these values.")
    return 0


def run_settings_logo(args: Namespace) -> int:
    from app.services.receipt_logo import logo_from_file
    from app.services.settings import update_settings

    if args.remove == (args.file is not None):
        raise UserFacingError("Give an image file, or --remove to print no logo.")
    logo = "" if args.remove else logo_from_file(args.file)
    result = update_settings(
        open_db(args).unit_of_work(), {"receipt_logo": logo}, username=args.user
    )
    if args.json:
        emit_json({"changed": list(result.changed_keys)})
    else:
        print("Receipt logo removed." if args.remove else "Receipt logo set.")
    return 0


def _pair(text: str, current: dict[str, Any]) -> tuple[str, Any]:
    """KEY=VALUE read as the setting's own type: text as typed, a whole number, or JSON for
    lists and tables (channels, methods, number_formats)."""
    key, equals, value = text.partition("=")
    key = key.strip()
    if not equals or not key:
        raise UserFacingError(f"'{text}' is not KEY=VALUE, such as idle_lock_minutes=10.")
    if key not in current:
        raise UserFacingError(f"Unknown setting '{key}': see tilldesk settings show.")
    kind = type(current[key])
    if kind is str:
        return key, value.replace("\\n", "\n")  # a typed \n starts a new receipt line
    if kind is int:
        if not value.strip().lstrip("-").isdigit():
            raise UserFacingError(f"{key} is a whole number, not '{value}'.")
        return key, int(value)
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, kind):
        example = '["Walk-in","Phone"]' if kind is list else '{"receipt": "R-{TERM}-{SEQ:4}"}'
        raise UserFacingError(f"{key} is written as JSON, such as {key}='{example}'.")
    return key, parsed


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(v["name"] if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, dict):
        return "  ".join(f"{k}: {v}" for k, v in value.items())
    return str(value).replace("\n", " / ")
