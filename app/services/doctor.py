"""`tilldesk doctor`'s checks of this machine's counter: its database file, schema and printers.
Network checks live in sync/client/doctor.py."""

import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine

from app.db.migrate import current_revision, head_revision
from app.domain.health import Finding, Verdict
from app.domain.printing import PrinterConfig
from app.services.printers import list_printers
from app.services.unit_of_work import UnitOfWork


def check_database_file(path: Path) -> list[Finding]:
    """Before opening it: there, readable, intact, private, and at the newest schema."""
    if not path.exists():
        return [
            Finding(
                "database",
                Verdict.FAIL,
                f"No counter database at {path}.",
                "Run 'tilldesk init' (or 'tilldesk demo' for sample data), or give --db PATH.",
            )
        ]
    found: list[Finding] = []
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as connection:
            result = connection.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.Error as error:
        return [
            Finding(
                "database",
                Verdict.FAIL,
                f"{path} cannot be read: {error}.",
                "Restore the newest backup (tilldesk keeps one before each upgrade).",
            )
        ]
    if result != "ok":
        found.append(
            Finding(
                "database",
                Verdict.FAIL,
                f"{path} is damaged: {result}.",
                "Stop the client, copy the file aside and restore the newest "
                "backup; call support with the copy.",
            )
        )
    else:
        found.append(Finding("database", Verdict.OK, f"{path} is intact."))
    mode = stat.S_IMODE(path.stat().st_mode)
    if os.name == "posix" and mode & 0o077:
        found.append(
            Finding(
                "database",
                Verdict.WARN,
                f"{path} can be read by other users (mode {mode:o}).",
                f"chmod 600 {path}",
            )
        )
    found.append(_schema(path))
    return found


def _schema(path: Path) -> Finding:
    engine = create_engine(f"sqlite:///{path}")
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    if current == head:
        return Finding("database", Verdict.OK, f"Schema is current ({head}).")
    return Finding(
        "database",
        Verdict.WARN,
        f"Schema is at {current or 'nothing'}; this version expects {head}.",
        "Start the client or any tilldesk command once: it upgrades the file after a backup.",
    )


# What the printing layer reports of a port (printing.ports.PrinterStatus values).
PrinterState = Callable[[PrinterConfig], str]


def check_printers(uow: UnitOfWork, state_of: PrinterState) -> list[Finding]:
    """Each printer as its own port reports itself (`state_of`, wired by the command line from
    the printing layer: the core opens no sockets or devices)."""
    with uow:
        printers = list_printers(uow)
    if not printers:
        return [
            Finding(
                "printer",
                Verdict.INFO,
                "No printer is set up: receipts go to PDF.",
                "Add one in Settings > Printers (F6) if this counter prints.",
            )
        ]
    return [_printer(p, state_of) for p in printers]


def _printer(printer: PrinterConfig, state_of: PrinterState) -> Finding:
    name = f"Printer '{printer.name}' ({printer.kind.value} {printer.address})"
    if not printer.enabled:
        return Finding("printer", Verdict.INFO, f"{name} is switched off in settings.")
    state = state_of(printer)
    if state == "online":
        return Finding("printer", Verdict.OK, f"{name} is online.")
    if state == "unknown":
        return Finding("printer", Verdict.OK, f"{name} is reachable (it reports no status).")
    if state == "paper_out":
        return Finding("printer", Verdict.FAIL, f"{name} is out of paper.", "Load a new roll.")
    return Finding(
        "printer",
        Verdict.FAIL,
        f"{name} does not answer.",
        "Check that it is on and connected (network, cable or path in Settings > Printers); "
        "print a self-test page to confirm its address.",
    )
