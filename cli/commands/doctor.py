"""`tilldesk doctor`: what is wrong with this counter and what to do about it.

Checks the database file, its schema, the keyring, the printers, the central server and the
clock, the background services and the recovery database. Reads only: it never migrates,
registers or prints. Exit 1 when something is broken (a FAIL), 0 otherwise.
"""

import textwrap
from argparse import Namespace, _SubParsersAction

from app.domain.health import Finding, Verdict, worst
from app.domain.printing import PrinterConfig
from cli.context import database_path, open_db
from cli.output import emit_json

MARKS = {Verdict.OK: "ok  ", Verdict.INFO: "info", Verdict.WARN: "WARN", Verdict.FAIL: "FAIL"}


def register(sub: _SubParsersAction, common: list) -> None:
    doctor = sub.add_parser(
        "doctor", parents=common, help="check this counter and say what to fix (reads only)"
    )
    doctor.set_defaults(run=run_doctor)


def run_doctor(args: Namespace) -> int:
    findings = diagnose(args)
    verdict = worst(findings)
    if getattr(args, "json", False):
        emit_json({"verdict": verdict.value, "findings": [f.as_dict() for f in findings]})
    else:
        for finding in findings:
            print(f"[{MARKS[finding.verdict]}] {finding.area:<9} {finding.summary}")
            if finding.fix and finding.verdict is not Verdict.OK:
                print(
                    textwrap.fill(
                        finding.fix, 96, initial_indent=" " * 17 + "-> ", subsequent_indent=" " * 20
                    )
                )
        print(_closing(verdict))
    return 1 if verdict is Verdict.FAIL else 0


def diagnose(args: Namespace) -> list[Finding]:
    from app.services.doctor import check_database_file, check_printers
    from app.services.doctor_services import check_recovery_database, check_services
    from app.services.settings import current_settings
    from sync.client.doctor import check_keyring, check_server, is_registered
    from sync.client.tokens import TokenStore

    path = database_path(args)
    tokens = TokenStore()
    findings = check_database_file(path)
    usable = path.exists() and not any(
        f.area == "database" and f.verdict is not Verdict.OK for f in findings
    )
    if usable:  # opening an older schema would upgrade it: doctor only looks
        db = open_db(args)
        try:
            settings = current_settings(db.read())
            findings.append(check_keyring(tokens, registered=is_registered(db)))
            findings += check_printers(db.read(), printer_state)
            findings += check_server(
                db,
                tokens,
                warn_s=settings.clock_skew_warn_seconds,
                block_s=settings.clock_skew_block_seconds,
            )
        finally:
            db.close()
    else:
        findings.append(check_keyring(tokens, registered=False))
    findings += check_services()
    findings += check_recovery_database(path)
    return findings


def _closing(verdict: Verdict) -> str:
    if verdict is Verdict.FAIL:
        return "Something is broken: fix the FAIL lines above (in order), then run doctor again."
    if verdict is Verdict.WARN:
        return "This counter works; the WARN lines above need attention soon."
    return "All good."


def printer_state(printer: PrinterConfig) -> str:
    """What the printer's own port says of itself: online, paper_out, offline or unknown."""
    from printing.ports import open_port  # the renderers' libraries load only for this check

    try:
        return open_port(printer.kind.value, printer.address).status().value
    except ValueError:  # an address the port cannot even read
        return "offline"
