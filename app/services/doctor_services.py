"""`tilldesk doctor`'s view of the background services (systemd units of the .deb) and of the
recovery database, read without changing either."""

import os
import shutil
import subprocess
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy.exc import SQLAlchemyError

from app.db.recovery_migrate import make_recovery_engine, recovery_head
from app.domain.health import Finding, Verdict
from app.services.recovery_database import DB_VARIABLE, recovery_db_url

UNITS = ("tilldesk-recovery.service", "tilldesk-server.service")
RECOVERY_VERSION_TABLE = "alembic_version_recovery"


def check_services(run=subprocess.run) -> list[Finding]:  # noqa: ANN001 - injectable for tests
    """Each installed Tilldesk unit active; nothing to say where none is installed."""
    if shutil.which("systemctl") is None:
        return [
            Finding(
                "service",
                Verdict.INFO,
                "No systemd here: background services are not managed on this machine.",
            )
        ]
    listed = run(
        ["systemctl", "list-unit-files", "--no-legend", "tilldesk*"],
        capture_output=True,
        text=True,
        check=False,
    )
    installed = [line.split()[0] for line in listed.stdout.splitlines() if line.strip()]
    if not installed:
        return [
            Finding(
                "service",
                Verdict.INFO,
                "No Tilldesk services are installed (a developer setup, or the client alone).",
            )
        ]
    found = []
    for unit in installed:
        if unit.endswith("@.service"):
            continue  # a template: its instances are listed by name when enabled
        state = (
            run(
                ["systemctl", "is-active", unit], capture_output=True, text=True, check=False
            ).stdout.strip()
            or "unknown"
        )
        if state == "active":
            found.append(Finding("service", Verdict.OK, f"{unit} is running."))
        elif unit in UNITS or "@" in unit:
            found.append(
                Finding(
                    "service",
                    Verdict.WARN,
                    f"{unit} is {state}.",
                    f"sudo systemctl enable --now {unit}; its log: journalctl -u {unit}",
                )
            )
    return found


def check_recovery_database(counter_db: Path) -> list[Finding]:
    """The recovery database the client would use, reachable and migrated (never migrated here)."""
    beside = counter_db.resolve().parent / "recovery.db"
    if not os.environ.get(DB_VARIABLE) and not beside.exists():
        return [Finding("recovery", Verdict.INFO, "No recovery database on this machine.")]
    url = recovery_db_url(None, counter_db=counter_db)
    shown = url.split("@")[-1]  # never print a password of a PostgreSQL URL
    engine = make_recovery_engine(url, pool_size=1)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"version_table": RECOVERY_VERSION_TABLE}
            )
            current = context.get_current_revision()
    except SQLAlchemyError as error:
        reason = str(error).splitlines()[0]
        return [
            Finding(
                "recovery",
                Verdict.FAIL,
                f"Recovery database {shown}: {reason}",
                f"Check ${DB_VARIABLE} and that the database is up.",
            )
        ]
    finally:
        engine.dispose()
    head = recovery_head()
    if current != head:
        return [
            Finding(
                "recovery",
                Verdict.WARN,
                f"Recovery database {shown} is at schema {current or 'nothing'}, not {head}.",
                "Run any 'tilldesk recovery' command once to upgrade it.",
            )
        ]
    return [Finding("recovery", Verdict.OK, f"Recovery database {shown} is current.")]
