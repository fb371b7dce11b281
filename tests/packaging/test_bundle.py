"""The PyInstaller bundle, built by `make package` and run from dist/ with a clean environment
(no .venv on the PATH, an empty HOME): the commands a counter needs work from the frozen build.

Minutes of build time: runs only with TILLDESK_PACKAGING_TESTS=1.
"""

import json
import subprocess
import time
from pathlib import Path

import pytest

from tests.packaging.conftest import ROOT, build_deb, packaging_tests_enabled

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(not packaging_tests_enabled(), reason="set TILLDESK_PACKAGING_TESTS=1"),
]

BUNDLE = ROOT / "dist" / "tilldesk"


@pytest.fixture(scope="module")
def bundle() -> Path:
    result = subprocess.run(
        ["make", "package"], cwd=ROOT, capture_output=True, text=True, timeout=1800
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    size = subprocess.run(["du", "-sh", str(BUNDLE)], capture_output=True, text=True).stdout
    print(f"\nbundle size: {size.split()[0]}")
    return BUNDLE


@pytest.fixture
def run(bundle, tmp_path):
    """Runs the frozen command in a scratch folder, with only the system's PATH."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "TILLDESK_DB": str(tmp_path / "counter.sqlite"),
    }

    def _run(*args: str, pin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
        extra = {"TILLDESK_PIN": pin} if pin else {}
        result = subprocess.run(
            [str(bundle / "tilldesk"), *args],
            cwd=tmp_path,
            env=env | extra,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check:
            assert result.returncode == 0, f"{args}: {result.stderr[-3000:]}"
        return result

    return _run


def test_version_is_the_git_stamp(run):
    started = time.perf_counter()
    out = run("--version").stdout.strip()
    print(f"\n--version: {(time.perf_counter() - started) * 1000:.0f} ms")
    describe = subprocess.run(
        ["git", "describe", "--tags", "--always"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    assert out.startswith(f"tilldesk {describe}")


def test_a_counter_set_up_pays_and_prints_a_receipt_from_the_bundle(run, tmp_path):
    run("init", "--admin-pin", "0000")
    run("demo", "--consumers", "50")
    paid = run(
        "pay",
        "--account",
        "WU-10001",
        "--type",
        "bill",
        "--item",
        "INV-2025-001234",
        "--method",
        "cash",
        "--amount",
        "145.50",
        "--tendered",
        "150",
        "--json",
        pin="0000",
    )
    receipt = json.loads(paid.stdout)
    assert receipt["status"] == "Posted" and receipt["change"] == "4.50"
    pdf = tmp_path / "receipt.pdf"
    run("receipt", receipt["receipt_number"], "--pdf", str(pdf), pin="0000")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000


def test_the_client_starts_offscreen(run, bundle, tmp_path):
    run("init", "--admin-pin", "0000")
    if "--exit-after-startup" in run("client", "--help").stdout:
        out = run("client", "--exit-after-startup").stdout
        print(f"\nclient start-up: {out.strip()}")
        return
    # Until `client --exit-after-startup` exists: the client must still be up after 30 s (all
    # screens, charts and the Qt platform plugin loaded), not dead of a missing module.
    client = subprocess.Popen(
        [str(bundle / "tilldesk"), "client"],
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "QT_QPA_PLATFORM": "offscreen",
            "TILLDESK_DB": str(tmp_path / "counter.sqlite"),
        },
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        client.wait(timeout=30)
    except subprocess.TimeoutExpired:
        client.terminate()
        client.wait(timeout=30)
        return
    pytest.fail(f"the client exited with {client.returncode}: {client.stderr.read()[-3000:]}")


def test_qt_is_trimmed_to_what_the_client_uses(bundle):
    qt = next(bundle.rglob("PySide6"))
    platforms = {p.name for p in qt.rglob("platforms/*")}
    assert platforms <= {"libqxcb.so", "libqoffscreen.so", "libqminimal.so"}
    assert "libqoffscreen.so" in platforms
    libraries = {p.name for p in bundle.rglob("libQt6*")}
    assert not [
        n for n in libraries if n.startswith(("libQt6WebEngine", "libQt6Quick", "libQt63D"))
    ]


def test_the_bundle_holds_its_data_and_both_migration_histories(bundle):
    internal = bundle / "_internal"
    for part in (
        "migrations/env.py",
        "sync/server/migrations/env.py",
        "resources/fonts",
        "resources/styles/tilldesk.qss",
        "VERSION",
    ):
        assert (internal / part).exists(), part
    assert list((internal / "migrations" / "versions").glob("*.py"))
    assert list((internal / "sync" / "server" / "migrations" / "versions").glob("*.py"))


def test_the_deb_is_built_around_the_bundle(bundle, tmp_path):
    deb = build_deb(bundle, tmp_path)
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True).stdout
    assert "./opt/tilldesk/_internal/migrations/env.py" in listing
    print(f"\n.deb: {deb.name}, {deb.stat().st_size / 1e6:.0f} MB")
