"""`tilldesk receipt`, `print-test`, `printers list|add|change|remove`, `print-queue ...`."""

from __future__ import annotations

import time
from argparse import ArgumentParser, Namespace, _SubParsersAction
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.errors import UserFacingError
from app.domain.printing import JobState, PrinterConfig, auto_print_text
from cli.context import add_user_option, open_db
from cli.output import emit_json, emit_pairs, emit_table

if TYPE_CHECKING:
    from types import ModuleType

    from app.services.print_queue import PrintJobView
    from app.services.print_worker import QueueRun
    from app.services.runtime import Counter

NOT_PRINTED = 1  # the job is safely queued but did not print yet
IDLE_SECONDS = 5.0


def register(sub: _SubParsersAction, common: list) -> None:
    receipt = sub.add_parser(
        "receipt", parents=common, help="print a receipt, or save it as PDF or ESC/POS"
    )
    receipt.add_argument("receipt", help="receipt, payment or transaction number")
    add_output_options(receipt)
    receipt.set_defaults(run=run_receipt)

    test = sub.add_parser("print-test", parents=common, help="print a test page")
    test.add_argument("--printer", help="printer name (default: the first enabled)")
    add_user_option(test)
    test.set_defaults(run=run_print_test)

    _register_printers(sub, common)
    _register_queue(sub, common)


def add_output_options(parser: ArgumentParser) -> None:
    """--pdf/--escpos/--print, shared by `receipt` and `credit-notes print`."""
    parser.add_argument("--pdf", type=Path, metavar="FILE", help="save as PDF")
    parser.add_argument("--page", default="A4", help="PDF page: A4, Letter or receipt")
    parser.add_argument("--escpos", type=Path, metavar="FILE", help="save the printer bytes")
    parser.add_argument("--width", type=int, choices=(58, 80), default=80, help="paper mm")
    parser.add_argument("--code-page", help="printer code page for --escpos (default CP437)")
    parser.add_argument(
        "--print", dest="send", action="store_true", help="print now (a COPY after the first)"
    )
    parser.add_argument("--printer", help="printer name for --print")
    add_user_option(parser)


def runtime() -> ModuleType:
    """The printing runtime, imported when a command prints: renderers load slowly."""
    from cli.wiring import printing as printing_runtime

    return printing_runtime


def run_receipt(args: Namespace) -> int:
    printing_runtime = runtime()
    return deliver(
        args,
        args.receipt,
        pdf=printing_runtime.receipt_pdf,
        escpos=printing_runtime.receipt_escpos,
        send=printing_runtime.print_receipt_now,
    )


def deliver(
    args: Namespace,
    number: str,
    *,
    pdf: Callable[..., bytes],
    escpos: Callable[..., bytes],
    send: Callable[..., PrintJobView],
) -> int:
    """Do what the options ask, in order: PDF, ESC/POS file, print."""
    from app.services.runtime import counter_for

    if not (args.pdf or args.escpos or args.send):
        raise UserFacingError("Say what to do: --pdf FILE, --escpos FILE or --print.")
    counter = counter_for(open_db(args))
    done: dict[str, Any] = {"number": number}
    if args.pdf:
        data = pdf(counter, number, page=args.page, username=args.user)
        done["pdf"] = str(runtime().save_file(data, args.pdf))
    if args.escpos:
        data = escpos(
            counter, number, width_mm=args.width, code_page=args.code_page, username=args.user
        )
        done["escpos"] = str(runtime().save_file(data, args.escpos))
    job = send(counter, number, username=args.user, printer=args.printer) if args.send else None
    if args.json:
        emit_json({**done, "print": job_json(job) if job else None})
    else:
        if args.pdf:
            print(f"Saved {number} as PDF ({args.page}) to {done['pdf']}.")
        if args.escpos:
            print(f"Saved {number} as ESC/POS ({args.width} mm) to {done['escpos']}.")
        if job:
            print(job_outcome(job))
    return 0 if job is None or job.state is JobState.PRINTED else NOT_PRINTED


def run_print_test(args: Namespace) -> int:
    from app.services.runtime import counter_for

    counter = counter_for(open_db(args))
    job = runtime().print_test_page_now(counter, printer=args.printer, username=args.user)
    if args.json:
        emit_json(job_json(job))
    else:
        print(job_outcome(job))
    return 0 if job.state is JobState.PRINTED else NOT_PRINTED


def job_outcome(job: PrintJobView) -> str:
    if job.state is JobState.PRINTED:
        return f"Printed {job.title} on '{job.printer_name}'."
    if job.state is JobState.FAILED:
        return f"{job.title} needs attention: {job.last_error}"
    reason = f": {job.last_error}" if job.last_error else ""
    return (
        f"{job.title} is {job.state.value}{reason} It prints when the printer is back "
        "(tilldesk print-queue run)."
    )


def job_json(job: PrintJobView) -> dict[str, Any]:
    return {
        "id": str(job.job_id),
        "kind": job.kind.value,
        "reference": job.reference,
        "copy_number": job.copy_number,
        "state": job.state.value,
        "printer": job.printer_name,
        "attempts": job.attempts,
        "last_error": job.last_error,
        "created_at": job.created_at,
        "next_attempt_at": job.next_attempt_at,
        "printed_at": job.printed_at,
    }


# -- printers ------------------------------------------------------------------------------
def _register_printers(sub: _SubParsersAction, common: list) -> None:
    printers = sub.add_parser("printers", help="this counter's receipt printers")
    verbs = printers.add_subparsers(dest="verb", required=True)
    verbs.add_parser("list", parents=common, help="every printer").set_defaults(
        run=run_printers_list
    )
    add = verbs.add_parser("add", parents=common, help="set up a printer (admin)")
    add.add_argument("name")
    add.add_argument("--kind", required=True, help="network, usb, serial or file")
    add.add_argument("--address", required=True, help="host[:port], vvvv:pppp, COM3, path")
    add.add_argument("--width", type=int, default=80, help="paper width, 58 or 80 mm")
    add.add_argument("--code-page", default="CP437")
    add.add_argument("--auto-print", default="", help="e.g. receipt,credit_note (or none)")
    add.add_argument("--no-drawer", action="store_true", help="no cash drawer on this printer")
    add.add_argument("--disabled", action="store_true")
    add_user_option(add)
    add.set_defaults(run=run_printers_add)
    change = verbs.add_parser("change", parents=common, help="change a printer (admin)")
    change.add_argument("name")
    change.add_argument("--kind")
    change.add_argument("--address")
    change.add_argument("--width", type=int)
    change.add_argument("--code-page")
    change.add_argument("--auto-print")
    change.add_argument("--drawer", action="store_true", default=None)
    change.add_argument("--no-drawer", dest="drawer", action="store_false")
    change.add_argument("--enable", dest="enabled", action="store_true", default=None)
    change.add_argument("--disable", dest="enabled", action="store_false")
    add_user_option(change)
    change.set_defaults(run=run_printers_change)
    remove = verbs.add_parser("remove", parents=common, help="remove a printer (admin)")
    remove.add_argument("name")
    add_user_option(remove)
    remove.set_defaults(run=run_printers_remove)


def printer_json(p: PrinterConfig) -> dict[str, Any]:
    return {
        "name": p.name,
        "kind": p.kind.value,
        "address": p.address,
        "width_mm": p.width_mm,
        "code_page": p.code_page,
        "auto_print": sorted(k.value for k in p.auto_print),
        "opens_drawer": p.opens_drawer,
        "enabled": p.enabled,
    }


def _show_printer(args: Namespace, printer: PrinterConfig, verb: str) -> int:
    if args.json:
        emit_json(printer_json(printer))
    else:
        print(f"Printer '{printer.name}' {verb}: {_describe(printer)}.")
    return 0


def _describe(p: PrinterConfig) -> str:
    auto = auto_print_text(p.auto_print) or "nothing"
    drawer = "opens the drawer" if p.opens_drawer else "no drawer"
    state = "" if p.enabled else ", disabled"
    paper = f"{p.width_mm} mm, {p.code_page}"
    return f"{p.kind.value} {p.address}, {paper}, prints {auto}, {drawer}{state}"


def run_printers_list(args: Namespace) -> int:
    from app.services.printers import list_printers

    printers = list_printers(open_db(args).read())
    if args.json:
        emit_json([printer_json(p) for p in printers])
        return 0
    emit_table(
        ["Name", "Kind", "Address", "Paper", "Code page", "Auto-print", "Drawer", "Enabled"],
        [
            [
                p.name,
                p.kind.value,
                p.address,
                f"{p.width_mm} mm",
                p.code_page,
                auto_print_text(p.auto_print) or "-",
                "yes" if p.opens_drawer else "no",
                "yes" if p.enabled else "no",
            ]
            for p in printers
        ],
    )
    return 0


def run_printers_add(args: Namespace) -> int:
    from app.services.printers import add_printer

    printer = add_printer(
        open_db(args).unit_of_work(),
        name=args.name,
        kind=args.kind,
        address=args.address,
        width_mm=args.width,
        code_page=args.code_page,
        auto_print=args.auto_print,
        opens_drawer=not args.no_drawer,
        enabled=not args.disabled,
        username=args.user,
    )
    return _show_printer(args, printer, "added")


def run_printers_change(args: Namespace) -> int:
    from app.services.printers import update_printer

    printer = update_printer(
        open_db(args).unit_of_work(),
        args.name,
        kind=args.kind,
        address=args.address,
        width_mm=args.width,
        code_page=args.code_page,
        auto_print=args.auto_print,
        opens_drawer=args.drawer,
        enabled=args.enabled,
        username=args.user,
    )
    return _show_printer(args, printer, "changed")


def run_printers_remove(args: Namespace) -> int:
    from app.services.printers import remove_printer

    remove_printer(open_db(args).unit_of_work(), args.name, username=args.user)
    if args.json:
        emit_json({"removed": args.name})
    else:
        print(f"Printer '{args.name}' removed.")
    return 0


# -- the queue -----------------------------------------------------------------------------
def _register_queue(sub: _SubParsersAction, common: list) -> None:
    queue = sub.add_parser("print-queue", help="jobs waiting to print")
    verbs = queue.add_subparsers(dest="verb", required=True)
    status = verbs.add_parser("status", parents=common, help="what waits and why")
    status.set_defaults(run=run_queue_status)
    run = verbs.add_parser("run", parents=common, help="print what is due (until Ctrl+C)")
    run.add_argument("--once", action="store_true", help="one pass, then exit")
    run.set_defaults(run=run_queue_run)
    for verb, helptext, handler in (
        ("cancel", "take a job off the queue, or dismiss one", run_queue_cancel),
        ("retry", "send a job that needed attention again", run_queue_retry),
    ):
        parser = verbs.add_parser(verb, parents=common, help=helptext)
        parser.add_argument("job", help="job id (8 characters or more)")
        add_user_option(parser)
        parser.set_defaults(run=handler)


def run_queue_status(args: Namespace) -> int:
    from app.services.print_queue import queue_status

    status = queue_status(open_db(args).read())
    if args.json:
        emit_json(
            {"message": status.message, "jobs": [job_json(j) for j in status.jobs]},
        )
        return 0
    if not status.jobs:
        print("Nothing waiting to print.")
        return 0
    print(status.message)
    emit_table(
        ["Job", "Document", "State", "Printer", "Tries", "Why"],
        [
            [
                str(j.job_id),
                j.title,
                j.state.value,
                j.printer_name,
                str(j.attempts),
                j.last_error or "",
            ]
            for j in status.jobs
        ],
    )
    return 0


def run_queue_run(args: Namespace) -> int:
    from app.services.runtime import counter_for

    counter = counter_for(open_db(args))
    while True:
        run = runtime().run_print_queue(counter)
        _report_run(args, run)
        if args.once:
            return 0
        _sleep_until_due(counter)


def _report_run(args: Namespace, run: QueueRun) -> None:
    if args.json:
        emit_json([job_json(j) for j in run.jobs])
        return
    for job in run.jobs:
        print(job_outcome(job))
    if args.once and not run.jobs:
        print("Nothing due to print.")


def _sleep_until_due(counter: Counter) -> None:
    from app.services.print_queue import queue_status

    status = queue_status(counter.read())
    wait = IDLE_SECONDS
    if status.next_attempt_at is not None:
        now = counter.database.clock()
        wait = min(max((status.next_attempt_at - now).total_seconds(), 0.5), IDLE_SECONDS)
    time.sleep(wait)


def _emit_job(args: Namespace, job: PrintJobView, verb: str) -> int:
    if args.json:
        emit_json(job_json(job))
    else:
        emit_pairs([(f"{job.title}", f"{verb} ({job.state.value})")])
    return 0


def run_queue_cancel(args: Namespace) -> int:
    from app.services.print_queue import cancel_job

    job = cancel_job(open_db(args).unit_of_work(), args.job, username=args.user)
    return _emit_job(args, job, "cancelled")


def run_queue_retry(args: Namespace) -> int:
    from app.services.print_queue import retry_job

    job = retry_job(open_db(args).unit_of_work(), args.job, username=args.user)
    return _emit_job(args, job, "queued again")
