"""The doctor's service and recovery-database checks, on a fake systemctl and real SQLite files."""

import subprocess
from pathlib import Path

import pytest

from app.domain.health import Verdict
from app.services import doctor_services
from app.services.recovery_database import open_recovery_database


def systemctl(states: dict[str, str]):
    def run(argv: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        if argv[1] == "list-unit-files":
            out = "".join(f"{unit} enabled enabled\n" for unit in states)
        else:
            out = states[argv[2]] + "\n"
        return subprocess.CompletedProcess(argv, 0, out, "")

    return run


def test_an_installed_service_that_is_down_is_named_with_its_fix(monkeypatch):
    monkeypatch.setattr(doctor_services.shutil, "which", lambda _name: "/bin/systemctl")
    run = systemctl({"tilldesk-recovery.service": "failed", "tilldesk-server.service": "active",
                     "tilldesk-sync@.service": "inactive"})  # fmt: skip
    found = doctor_services.check_services(run)
    assert [(f.verdict, f.summary) for f in found] == [
        (Verdict.WARN, "tilldesk-recovery.service is failed."),
        (Verdict.OK, "tilldesk-server.service is running."),
    ]
    assert found[0].fix.startswith("sudo systemctl enable --now tilldesk-recovery.service")


def test_no_units_installed_is_only_information(monkeypatch):
    monkeypatch.setattr(doctor_services.shutil, "which", lambda _name: "/bin/systemctl")
    [found] = doctor_services.check_services(systemctl({}))
    assert found.verdict is Verdict.INFO


@pytest.fixture(autouse=True)
def no_recovery_db_variable(monkeypatch):
    monkeypatch.delenv("TILLDESK_RECOVERY_DB", raising=False)


def test_a_recovery_database_beside_the_counter_is_checked_without_migrating_it(tmp_path: Path):
    counter = tmp_path / "counter.sqlite"
    assert doctor_services.check_recovery_database(counter)[0].verdict is Verdict.INFO
    (tmp_path / "recovery.db").touch()  # there, but never migrated
    [behind] = doctor_services.check_recovery_database(counter)
    assert behind.verdict is Verdict.WARN and "schema nothing" in behind.summary
    open_recovery_database(f"sqlite:///{tmp_path / 'recovery.db'}").dispose()
    [current] = doctor_services.check_recovery_database(counter)
    assert current.verdict is Verdict.OK
