"""The systemd units pass `systemd-analyze verify` and carry the options issue 14 asks for.

`verify` needs the ExecStart binary and the system's own units (sysinit.target...). So that
nothing is installed on this machine, it runs with `--root=` on a throwaway root that holds a stub
/opt/tilldesk/tilldesk, a copy of /usr/lib/systemd/system and our units in /etc/systemd/system;
`--man=no` because Documentation= links are not checked in a container.
"""

import shutil
from pathlib import Path

import pytest

from tests.support.packaging import SYSTEM_UNITS, _verify

UNITS = Path(__file__).resolve().parents[2] / "packaging" / "linux" / "systemd"
NAMES = ["tilldesk-recovery.service", "tilldesk-sync@.service", "tilldesk-server.service"]

pytestmark = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None or not SYSTEM_UNITS.is_dir(),
    reason="systemd-analyze (Debian package systemd) is not installed",
)


def _root(tmp_path: Path, units: Path = UNITS) -> Path:
    root = tmp_path / "root"
    binary = root / "opt" / "tilldesk" / "tilldesk"
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    (root / "usr" / "lib" / "systemd").mkdir(parents=True)
    shutil.copytree(SYSTEM_UNITS, root / "usr" / "lib" / "systemd" / "system", symlinks=True)
    shutil.copytree(units, root / "etc" / "systemd" / "system", dirs_exist_ok=True)
    return root


def _service(name: str) -> dict[str, list[str]]:
    """The [Service] section, every value of repeated keys kept."""
    options: dict[str, list[str]] = {}
    section = None
    for line in (UNITS / name).read_text().splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            options.setdefault(key, []).append(value)
    return options


def test_units_verify_without_a_warning(tmp_path):
    root = _root(tmp_path)
    result = _verify(
        root, "tilldesk-recovery.service", "tilldesk-sync@T01.service", "tilldesk-server.service"
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # verify only warns on bad values


def test_verify_as_run_here_catches_a_bad_value(tmp_path):
    """The check above would notice a mistake: a misspelt option is reported."""
    broken = tmp_path / "units"
    shutil.copytree(UNITS, broken)
    unit = broken / "tilldesk-server.service"
    unit.write_text(unit.read_text().replace("ProtectSystem=strict", "ProtectSistem=strict"))
    result = _verify(_root(tmp_path, broken), "tilldesk-server.service")
    assert "ProtectSistem" in result.stderr


@pytest.mark.parametrize("name", NAMES)
def test_each_unit_restarts_runs_unprivileged_and_is_hardened(name):
    service = _service(name)
    assert service["Restart"] == ["on-failure"]
    assert service.get("User") == ["tilldesk"] or service.get("DynamicUser") == ["yes"]
    assert service["KillSignal"] == ["SIGTERM"]
    assert service["TimeoutStopSec"]
    assert service["StandardOutput"] == ["journal"]
    for option in ("ProtectHome", "NoNewPrivileges", "PrivateTmp", "PrivateDevices"):
        assert service[option] == ["true"], option
    assert service["ProtectSystem"] == ["strict"]
    assert service["CapabilityBoundingSet"] == [""]
    assert "@system-service" in service["SystemCallFilter"]
    assert service["RestrictAddressFamilies"] == ["AF_UNIX AF_INET AF_INET6"]
    assert service["StateDirectory"] and service["LogsDirectory"]
    assert service["ExecStart"][0].startswith("/opt/tilldesk/tilldesk ")


def test_the_sync_unit_reads_the_keyring_key_from_an_encrypted_credential():
    service = _service("tilldesk-sync@.service")
    assert service["LoadCredentialEncrypted"] == [
        "tilldesk-keyring:/etc/credstore.encrypted/tilldesk-keyring.cred"
    ]
    assert "TILLDESK_KEYRING=cryptfile" in service["Environment"]
    assert service["ExecStart"] == [
        "/opt/tilldesk/tilldesk sync --db /var/lib/tilldesk/%i/tilldesk.sqlite"
    ]


def test_the_server_unit_serves_https_from_its_state_folder():
    (start,) = _service("tilldesk-server.service")["ExecStart"]
    assert start.startswith("/opt/tilldesk/tilldesk server run ")
    assert "--data-dir /var/lib/tilldesk-server" in start
    assert "--insecure-http" not in start
