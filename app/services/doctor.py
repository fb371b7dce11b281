"""`tilldesk doctor`'s checks of this machine's counter: its database file, schema, printers and
the clock skew sync last measured. Network checks live in sync/client/doctor.py."""

import os
import socket
import sqlite3
import stat
from pathlib import Path

from sqlalchemy import create_engine

from app.db.migrate import current_revision, head_revision
from app.db.tables.sync_state import SyncState
from app.db.unit_of_work import UnitOfWork
from app.domain.health import Finding, Verdict
from app.domain.printing import PrinterConfig, PrinterKind
from app.services.printers import list_printers

PRINTER_CONNECT_S = 1.5


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


def check_printers(uow: UnitOfWork) -> list[Finding]:
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
    return [_printer(p) for p in printers]


def _printer(printer: PrinterConfig) -> Finding:
    name = f"Printer '{printer.name}'"
    if not printer.enabled:
        return Finding("printer", Verdict.INFO, f"{name} is switched off in settings.")
    if printer.kind is PrinterKind.NETWORK:
        host, _, port = printer.address.rpartition(":")
        host, port = (host, int(port)) if port.isdigit() else (printer.address, 9100)
        try:
            with socket.create_connection((host, port), timeout=PRINTER_CONNECT_S):
                return Finding("printer", Verdict.OK, f"{name} answers at {host}:{port}.")
        except OSError as error:
            return Finding(
                "printer",
                Verdict.FAIL,
                f"{name} does not answer at {host}:{port} ({error}).",
                "Check that it is on, has paper and is on the network; print a "
                "self-test page to confirm its address.",
            )
    if printer.kind in (PrinterKind.SERIAL, PrinterKind.FILE):
        target = Path(printer.address)
        there = target.exists() if printer.kind is PrinterKind.SERIAL else target.parent.is_dir()
        if there:
            return Finding("printer", Verdict.OK, f"{name} ({printer.address}) is there.")
        return Finding(
            "printer",
            Verdict.FAIL,
            f"{name}: {printer.address} does not exist.",
            "Check the cable or the path in Settings > Printers.",
        )
    return Finding(
        "printer",
        Verdict.INFO,
        f"{name} is a USB printer ({printer.address}): use 'tilldesk print-test' to try it.",
    )


def recorded_clock_skew(uow: UnitOfWork) -> float | None:
    """Seconds the server's clock was ahead of ours at the last sync (None: never measured)."""
    with uow:
        row = uow.session.get(SyncState, 1)
        return None if row is None else row.clock_skew_seconds
