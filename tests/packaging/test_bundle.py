"""The PyInstaller bundle, built by `make bundle` and run from dist/ with a clean environment
(no .venv on the PATH, an empty HOME): the commands a counter, the recovery service and the
server need work from the frozen build; its .deb unpacks into a throwaway root whose units
verify against the real binary.

Minutes of build time: runs only with TILLDESK_PACKAGING_TESTS=1 (`make test` sets it for
this file, beside the suite: packaging/test_suite_and_bundle.sh).
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from arro3.io import read_parquet

from app.domain.money import format_money
from cli.startup_bench import BARE_WINDOW
from tests.support.packaging import ROOT, SYSTEM_UNITS, _verify, build_deb, packaging_tests_enabled

sys.path.insert(0, str(ROOT / "packaging"))
from bundle_sizes import report as size_report

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(not packaging_tests_enabled(), reason="set TILLDESK_PACKAGING_TESTS=1"),
]

BUNDLE = ROOT / "dist" / "tilldesk"


def git_describe() -> str:
    return subprocess.run(
        ["git", "describe", "--tags", "--always"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()


DESCRIBED: set[str] = set()  # the tree's stamp before and after the build (a commit may land)


@pytest.fixture(scope="module")
def bundle() -> Path:
    DESCRIBED.add(git_describe())
    started = time.perf_counter()
    result = subprocess.run(
        ["make", "--no-print-directory", "bundle"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    DESCRIBED.add(git_describe())
    print(f"\nbuild: {time.perf_counter() - started:.0f} s")
    size = subprocess.run(["du", "-sh", str(BUNDLE)], capture_output=True, text=True).stdout
    print(f"bundle size: {size.split()[0]}")
    print(size_report(BUNDLE))
    return BUNDLE


@pytest.fixture(scope="module")
def deb(bundle, tmp_path_factory) -> Path:
    """The package around the real bundle (gzip: the xz of a shipped package takes minutes)."""
    built = build_deb(bundle, tmp_path_factory.mktemp("deb"), compression="gzip")
    installed_kib = subprocess.run(
        ["dpkg-deb", "-f", str(built), "Installed-Size"], capture_output=True, text=True
    ).stdout
    print(
        f"\n.deb (gzip -1): {built.name}, {built.stat().st_size / 2**20:.0f} MB compressed, "
        f"{int(installed_kib) / 1024:.0f} MB installed (xz, what build_deb.sh ships by "
        "default, is smaller still)"
    )
    return built


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
    assert any(out.startswith(f"tilldesk {described}") for described in DESCRIBED), out


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


def test_the_recovery_engine_runs_trains_and_exports_parquet_from_the_bundle(run, tmp_path):
    """NumPy, SciPy and scikit-learn as trimmed in the spec, and arro3: the service's loop, the
    models' training, the experiments' statistics and the Parquet export (read back here)."""
    db = str(tmp_path / "recovery.sqlite")
    run("recovery", "demo", "--rich", "--db", db)
    run("recovery", "run", "--once", "--gateway", "demo", "--db", db)
    trained = run("recovery", "models", "train", "--db", db, "--models", str(tmp_path / "m"))
    assert "Models in" in trained.stdout
    parquet = tmp_path / "cases.parquet"
    written = run(
        "recovery", "export", "cases", "--format", "parquet", "--out", str(parquet), "--db", db
    ).stdout  # fmt: skip
    table = read_parquet(parquet).read_all()
    assert parquet.read_bytes()[:4] == b"PAR1" and f"{table.num_rows} cases rows" in written
    assert table.num_rows > 0 and table.schema.field("failed_at").type.tz == "UTC"
    run("experiments", "create", "t1", "--strategy", "retry_timing", "--variant", "a",
        "--variant", "b", "--db", db)  # fmt: skip
    for consumer in ("c1", "c2", "c3", "c4"):
        run("experiments", "record", "1", consumer, "--recovered", "yes", "--db", db)
    assert json.loads(run("experiments", "results", "1", "--json", "--db", db).stdout)
    run("recovery", "alerts", "check", "--db", db)


def test_a_usb_printer_is_still_looked_for_from_the_bundle(run):
    """With contrib's pyusb hook deferred to pyusb's first import
    (hooks/rthook_usb_on_first_import.py), the frozen command still finds a USB backend: the
    test page waits for a printer that is not plugged in, not for a missing backend. (That the
    hook points pyusb at the bundled libusb is checked in test_runtime_hooks.py.)"""
    run("init", "--admin-pin", "0000")
    run("printers", "add", "Front", "--kind", "usb", "--address", "04b8:0e28", pin="0000")
    waiting = run("print-test", pin="0000", check=False)  # not printed: exits 1
    said = waiting.stdout + waiting.stderr
    assert "is waiting" in said and "not found" in said, said
    assert "No backend available" not in said and "Traceback" not in said, said


def test_the_server_and_doctor_start_from_the_bundle(run):
    assert "run" in run("server", "--help").stdout
    run("init", "--admin-pin", "0000")
    doctor = run("doctor", check=False)  # says what to fix (no printer, no server)
    assert doctor.stdout.strip() and "Traceback" not in doctor.stderr


def _first_frame_ms(command: list[str], env: dict[str, str], cwd: Path) -> float:
    shown = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return float(shown.stdout.split()[-1])


def test_the_client_starts_offscreen_and_its_start_up_is_reported(run, bundle, tmp_path):
    """`client --exit-after-startup` from the bundle and from the project's .venv, alternated
    with a bare PySide6 window holding a pyqtgraph plot (the benchmark's yardstick): the
    figures are printed, not asserted. Then the client left running: the screens, charts and
    printing it imports after its first frame must neither kill it nor fail to import."""
    run("init", "--admin-pin", "0000")
    db = str(tmp_path / "counter.sqlite")
    # As an installed client starts: with its bytecode written (as `tilldesk bench` does).
    venv_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    venv_env.pop("PYTHONDONTWRITEBYTECODE", None)
    venv_client = [sys.executable, "-m", "cli.main", "client", "--db", db, "--exit-after-startup"]
    bare_window = [sys.executable, "-c", BARE_WINDOW]
    _first_frame_ms(venv_client, venv_env, ROOT)  # writes the bytecode, warms the disk cache
    _first_frame_ms(bare_window, venv_env, ROOT)
    frozen, venv, bare = [], [], []
    for _ in range(5):  # alternated: the machine's load weighs on all three alike
        frozen.append(float(run("client", "--exit-after-startup").stdout.split()[-1]))
        venv.append(_first_frame_ms(venv_client, venv_env, ROOT))
        bare.append(_first_frame_ms(bare_window, venv_env, ROOT))
    frozen_ms, venv_ms, bare_ms = (statistics.median(x) for x in (frozen, venv, bare))
    print(
        f"\nclient start-up (offscreen, medians of 5): frozen {frozen_ms:.0f} ms "
        f"({frozen_ms / bare_ms:.2f} times), .venv {venv_ms:.0f} ms ({venv_ms / bare_ms:.2f} "
        f"times); bare Qt window with a pyqtgraph plot: {bare_ms:.0f} ms; load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    client = subprocess.Popen(
        [str(bundle / "tilldesk"), "client"],
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path / "home"),
            "QT_QPA_PLATFORM": "offscreen",
            "TILLDESK_DB": str(tmp_path / "counter.sqlite"),
        },
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        client.wait(timeout=20)
    except subprocess.TimeoutExpired:
        client.terminate()
        client.wait(timeout=30)
        errors = client.stderr.read()
        # pyqtgraph's curves import QtOpenGL (a stand-in here), the screens import the rest.
        assert "warm-up step failed" not in errors and "Traceback" not in errors, errors[-3000:]
        return
    pytest.fail(f"the client exited with {client.returncode}: {client.stderr.read()[-3000:]}")


# The locales the first-run wizard offers, and some only the settings' free list reaches.
LOCALES = ("en_US", "en_IN", "hi_IN", "en_AU", "en_GB", "es_MX", "de_DE", "fr_FR", "ar_EG")


def test_every_locale_formats_money_from_the_bundle_s_compressed_locale_data(run, bundle):
    """Babel's locale data is bundled deflated in one archive (hooks/rthook_babel_locale_zip.py):
    each locale still formats amounts exactly as the project's own Babel does, and an unknown
    one is still refused."""
    babel = bundle / "_internal" / "babel"
    assert (babel / "locale-data.zip").is_file() and not (babel / "locale-data").exists()
    run("init", "--admin-pin", "0000")
    run("demo", "--consumers", "5")
    for locale in LOCALES:
        run("settings", "set", f"locale={locale}", pin="0000")
        shown = run("consumers", "show", "WU-10001").stdout
        account = json.loads(run("consumers", "show", "WU-10001", "--json").stdout)
        minor = int(Decimal(account["balance"]) * 100)
        expected = format_money(minor, account["currency"], locale)
        assert f"Current balance   {expected}" in shown, (locale, expected, shown[:600])
    refused = run("settings", "set", "locale=zz_ZZ", pin="0000", check=False)
    assert refused.returncode != 0 and "Unknown locale 'zz_ZZ'" in refused.stderr


def _needed(path: Path) -> set[str]:
    out = subprocess.run(["readelf", "-dW", str(path)], capture_output=True, text=True).stdout
    return {line.split("[")[1].rstrip("]") for line in out.splitlines() if "(NEEDED)" in line}


def _debian_package(soname: str) -> str:
    """The package of an installed library (dpkg -S), else its Debian name by policy
    (libxcb-icccm.so.4 -> libxcb-icccm4, libX11-xcb.so.1 -> libx11-xcb1)."""
    found = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    for line in found.splitlines():
        if line.strip().startswith(soname + " ") and "x86-64" in line:
            path = Path(line.split("=>")[1].strip())
            # dpkg knows a file by the path its package installed (/usr/lib/... or /lib/...).
            for known in dict.fromkeys((path, path.resolve(), Path("/usr", *path.parts[1:]))):
                owner = subprocess.run(["dpkg", "-S", str(known)], capture_output=True, text=True)
                if owner.returncode == 0:
                    return owner.stdout.split(":")[0]
    stem, version = soname.split(".so.")
    name, major = stem.lower().replace("_", "-"), version.split(".")[0]
    return f"{name}-{major}" if name[-1].isdigit() else f"{name}{major}"


def test_the_deb_depends_on_every_library_the_bundle_does_not_carry(bundle, deb):
    """Every library an ELF file of the bundle links and the bundle does not hold comes from a
    package in Depends: Qt's xcb platform plugin links libxcb-icccm4 and libxcb-keysyms1,
    which the build machine lacks (so PyInstaller could not bundle them)."""
    internal = bundle / "_internal"
    carried = {p.name for p in internal.rglob("*.so*")}
    missing: set[str] = set()
    for path in internal.rglob("*.so*"):
        if path.is_file() and not path.is_symlink() and path.read_bytes()[:4] == b"\x7fELF":
            missing |= _needed(path) - carried
    depends = subprocess.run(
        ["dpkg-deb", "-f", str(deb), "Depends"], capture_output=True, text=True, check=True
    ).stdout
    listed = {part.strip().split()[0] for part in depends.split(",")}
    packages = {soname: _debian_package(soname) for soname in sorted(missing)}
    print(f"\nlibraries the system provides: {packages}")
    assert {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"} <= missing  # the check sees them
    unlisted = {s: p for s, p in packages.items() if p not in listed}
    assert not unlisted, f"not in Depends: {unlisted}"


def test_qt_is_trimmed_to_what_the_client_uses(bundle):
    qt = next(bundle.rglob("PySide6"))
    platforms = {p.name for p in qt.rglob("platforms/*")}
    assert platforms <= {"libqxcb.so", "libqoffscreen.so", "libqminimal.so"}
    assert "libqoffscreen.so" in platforms
    libraries = {p.name for p in bundle.rglob("libQt6*")}
    assert not [
        n for n in libraries if n.startswith(("libQt6WebEngine", "libQt6Quick", "libQt63D"))
    ]
    # The GTK3 theme plugin is not collected, so neither is GTK with its cairo and pango.
    assert not list(bundle.rglob("libgtk-3*")) and not list(bundle.rglob("libpango*"))


def test_the_bundled_icu_data_serves_qt_as_the_full_data_does(bundle):
    """libicudata as trimmed by packaging/icu_data.py (and stripped): Qt's collation, case
    mapping and time zone names are those of PySide6's own 32 MB library."""
    from tests.packaging.test_icu_data import FULL, probe

    trimmed = next((bundle / "_internal" / "PySide6" / "Qt" / "lib").glob("libicudata.so.*"))
    assert trimmed.stat().st_size < 8_000_000
    full, cut = probe(FULL), probe(trimmed)
    assert (cut["collation"], cut["case"], cut["zones"]) == (
        full["collation"], full["case"], full["zones"])  # fmt: skip


def test_time_zones_are_read_from_the_system_s_database(run, bundle):
    """The tzdata wheel is not bundled on Linux: zoneinfo reads /usr/share/zoneinfo (the .deb
    depends on tzdata), so a zone is known and a made-up one still refused."""
    assert not (bundle / "_internal" / "tzdata").exists()
    run("init", "--admin-pin", "0000")
    run("settings", "set", "timezone=Asia/Kolkata", pin="0000")
    refused = run("settings", "set", "timezone=Mars/Olympus", pin="0000", check=False)
    assert refused.returncode != 0 and "Unknown time zone 'Mars/Olympus'" in refused.stderr


def test_the_operating_system_s_libraries_are_not_bundled(bundle):
    """They come from the .deb's Depends (checked above); pyusb's libusb, loaded with ctypes,
    stays."""
    internal = bundle / "_internal"
    for name in ("libcrypto.so.3", "libstdc++.so.6", "libglib-2.0.so.0", "libX11.so.6",
                 "libsqlite3.so.0", "libgcrypt.so.20"):  # fmt: skip
        assert not (internal / name).exists(), name
    assert list(internal.glob("libusb-1.0.so*"))


def test_no_test_suites_sources_or_unused_parts_are_bundled(bundle):
    internal = bundle / "_internal"
    assert not [p for p in internal.rglob("tests") if p.is_dir()]
    assert not list(internal.rglob("*.pyx")) and not list(internal.rglob("QtOpenGL.*"))
    # Parquet is written by arro3 (Arrow's Rust libraries); pyarrow (68 MB) is not bundled.
    assert not (internal / "pyarrow").exists() and not list(internal.rglob("libarrow*"))
    assert list((internal / "arro3" / "io").glob("_io*.so"))
    assert not (internal / "mypy").exists()
    # Holiday names in other languages, pyqtgraph's logo and colour maps, reportlab's demo fonts.
    for folder in ("holidays/locale", "pyqtgraph/icons/peegee", "pyqtgraph/colors/maps"):
        assert not (internal / folder).exists(), folder
    assert not list((internal / "reportlab" / "fonts").glob("DarkGarden*"))


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


def test_the_deb_unpacks_into_a_throwaway_root_where_it_runs_and_its_units_verify(deb, tmp_path):
    """The package around the real bundle, unpacked by dpkg into a scratch root: no maintainer
    script runs, nothing touches this machine. The installed command answers, and
    `systemd-analyze verify` checks the units against the real binary in that root."""
    root = tmp_path / "root"
    admin = root / "var" / "lib" / "dpkg"
    for folder in ("info", "updates", "triggers"):
        (admin / folder).mkdir(parents=True)
    for name in ("status", "available"):
        (admin / name).write_text("")
    unpack = subprocess.run(
        ["dpkg", f"--root={root}", "--force-not-root", "--force-depends", "--unpack", str(deb)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert unpack.returncode == 0, unpack.stderr
    assert (root / "opt/tilldesk/_internal/migrations/env.py").is_file()
    assert (root / "usr/bin/tilldesk").readlink() == Path("/opt/tilldesk/tilldesk")
    installed = subprocess.run(
        [str(root / "opt/tilldesk/tilldesk"), "--version"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert installed.stdout.startswith("tilldesk "), installed.stderr

    if shutil.which("systemd-analyze") is None or not SYSTEM_UNITS.is_dir():
        pytest.skip("systemd-analyze is not installed: the units are not verified")
    shutil.copytree(SYSTEM_UNITS, root / "usr/lib/systemd/system", symlinks=True)
    shutil.copytree(root / "lib/systemd/system", root / "etc/systemd/system")
    verified = _verify(
        root, "tilldesk-recovery.service", "tilldesk-sync@T01.service", "tilldesk-server.service"
    )
    assert verified.returncode == 0 and verified.stderr.strip() == "", verified.stderr
