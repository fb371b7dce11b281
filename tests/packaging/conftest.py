"""Fixtures of the packaging tests: a .deb built around a stub bundle (seconds, not minutes)."""

import os
import subprocess
from pathlib import Path

import pytest

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


@pytest.fixture(scope="module")
def stub_deb(tmp_path_factory) -> Path:
    """The .deb exactly as build_deb.sh makes it, around a one-file stand-in for the bundle."""
    base = tmp_path_factory.mktemp("deb")
    bundle = base / "tilldesk"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "_internal" / "VERSION").write_text("v0.1-3-gabc1234-dirty\n")
    binary = bundle / "tilldesk"
    binary.write_text("#!/bin/sh\necho 'tilldesk stub'\n")
    binary.chmod(0o755)
    return build_deb(bundle, base / "out")
