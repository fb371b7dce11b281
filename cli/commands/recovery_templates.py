"""`tilldesk recovery template list|preview|check`: the reminder templates."""

import sys
from argparse import ArgumentParser, Namespace, _SubParsersAction

from app.recovery.channels import ChannelName
from app.recovery.templates.context import TONES
from app.services.recovery_templates import PREVIEW_LINK, TEMPLATES_VARIABLE
from cli.commands.recovery_service import open_recovery_db
from cli.output import emit_json, emit_pairs, emit_table

EXIT_PROBLEMS = 1


def register(verbs: _SubParsersAction, common: list) -> None:
    """Add this area's verbs under `tilldesk recovery`."""
    template = verbs.add_parser("template", help="the reminder templates: list, preview, check")
    actions = template.add_subparsers(dest="template_action", required=True)
    folder = ArgumentParser(add_help=False)
    folder.add_argument(
        "--templates",
        metavar="DIR",
        help=f"a templates folder (default: ${TEMPLATES_VARIABLE}, else the bundled one)",
    )
    common = [*common, folder]

    listing = actions.add_parser("list", parents=common, help="the templates and their variants")
    listing.set_defaults(run=run_list)

    preview = actions.add_parser(
        "preview", parents=common, help="render a template with a case's real data"
    )
    preview.add_argument("name", help="the template's name (see `template list`)")
    preview.add_argument("--case", dest="case_id", help="the case (default: the first open one)")
    preview.add_argument("--channel", choices=[c.value for c in ChannelName])
    preview.add_argument("--language", help="e.g. hi (default: the consumer's; English if absent)")
    preview.add_argument("--tone", choices=TONES)
    preview.add_argument("--link", default=PREVIEW_LINK, help="the payment link to show")
    preview.set_defaults(run=run_preview)

    check = actions.add_parser(
        "check", parents=common, help="load and trial-render every template; exit 1 on problems"
    )
    check.set_defaults(run=run_check)


def run_list(args: Namespace) -> int:
    from app.services.recovery_templates import template_library, template_summaries

    summaries = template_summaries(template_library(args.templates))
    if args.json:
        emit_json(summaries)
        return 0
    emit_table(
        ["template", "channels", "languages", "tones", "segments"],
        [
            [
                s.name,
                ", ".join(s.channels),
                ", ".join(s.languages),
                ", ".join(s.tones),
                ", ".join(s.segments),
            ]
            for s in summaries
        ],
    )
    return 0


def run_preview(args: Namespace) -> int:
    from app.services.recovery_templates import preview_template, template_library

    shown = preview_template(
        open_recovery_db(args),
        args.name,
        args.case_id,
        channel=args.channel,
        language=args.language,
        tone=args.tone,
        payment_link_url=args.link,
        library=template_library(args.templates),
    )
    message = shown.message
    if args.json:
        emit_json(
            {
                "case": shown.case_id,
                "template": message.template,
                "channel": message.channel,
                "language": message.language,
                "tone": message.tone,
                "subject": message.subject,
                "text": message.text,
                "html": message.html,
                "whatsapp_template": message.whatsapp_template,
                "parameters": list(message.parameters),
                "sms": message.sms,
            }
        )
        return 0
    fallback = (
        ""
        if message.language == shown.wanted_language
        else (f" (no {shown.wanted_language} version: {message.language})")
    )
    emit_pairs(
        [
            ("template", message.template),
            ("case", shown.case_id),
            ("channel", str(message.channel)),
            ("language", message.language + fallback),
            ("tone", message.tone),
            ("sms", message.sms.describe() if message.sms else ""),
            ("whatsapp", message.whatsapp_template),
            ("parameters", " | ".join(message.parameters)),
            ("subject", message.subject),
        ]
    )
    print()
    print(message.text)
    if message.html:
        print("\n--- HTML part ---")
        print(message.html, end="")
    return 0


def run_check(args: Namespace) -> int:
    from app.services.recovery_templates import (
        check_templates,
        template_library,
        template_summaries,
    )

    problems = check_templates(args.templates)
    if args.json:
        emit_json({"ok": not problems, "problems": problems})
    elif problems:
        for problem in problems:
            print(f"tilldesk: {problem}", file=sys.stderr)
    else:
        count = len(template_summaries(template_library(args.templates)))
        print(f"All {count} templates load and render on every channel, "
              "language and tone they declare.")  # fmt: skip
    return EXIT_PROBLEMS if problems else 0
