"""Building and checking the Debian package and systemd units in tests."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD_DEB = ROOT / "packaging" / "linux" / "build_deb.sh"


def packaging_tests_enabled() -> bool:
    """Building the bundle takes minutes: opt in (`make test` does, beside the suite)."""
    return os.environ.get("TILLDESK_PACKAGING_TESTS") == "1"


def host_install_tests_enabled() -> bool:
    """The real dpkg -i/-r/-P changes this machine (a package, a system user): a separate,
    explicit opt-in that `make test` never gives, even when run as root."""
    return os.environ.get("TILLDESK_HOST_DPKG_TESTS") == "1"


def build_deb(bundle: Path, out: Path, *, compression: str = "xz") -> Path:
    result = subprocess.run(
        [str(BUILD_DEB), str(bundle), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "TILLDESK_DEB_COMPRESSION": compression},
    )
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip().splitlines()[-1])


SYSTEM_UNITS = Path("/usr/lib/systemd/system")


def _verify(root: Path, *units: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["systemd-analyze", "verify", "--man=no", f"--root={root}", *units],
        cwd=root / "etc" / "systemd" / "system",
        capture_output=True,
        text=True,
        timeout=60,
    )
