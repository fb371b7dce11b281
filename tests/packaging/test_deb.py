"""The .deb: its files, control fields and conffiles, an unpack into a throwaway root, and (opt-in
with TILLDESK_HOST_DPKG_TESTS=1, as root) a real install, remove and purge on this machine that the
teardown undoes."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.packaging import host_install_tests_enabled

pytestmark = pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb is missing")

EXPECTED = [
    "./opt/tilldesk/tilldesk",
    "./opt/tilldesk/_internal/VERSION",
    "./lib/systemd/system/tilldesk-recovery.service",
    "./lib/systemd/system/tilldesk-sync@.service",
    "./lib/systemd/system/tilldesk-server.service",
    "./usr/share/applications/tilldesk.desktop",
    "./usr/share/metainfo/com.tilldesk.Tilldesk.metainfo.xml",
    *[f"./usr/share/icons/hicolor/{s}x{s}/apps/tilldesk.png" for s in (48, 64, 128, 256)],
    "./etc/tilldesk/server.env",
]
CONFFILES = {"/etc/tilldesk/recovery.env", "/etc/tilldesk/server.env", "/etc/tilldesk/sync.env"}


def _run(*command: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{command}: {result.stderr}"
    return result.stdout


def test_the_package_holds_the_bundle_units_desktop_entry_and_icons(stub_deb):
    listing = _run("dpkg-deb", "-c", str(stub_deb))
    names = {line.split()[5] for line in listing.splitlines()}
    assert set(EXPECTED) <= names
    assert "./usr/bin/tilldesk -> /opt/tilldesk/tilldesk" in listing
    assert all(" root/root " in line for line in listing.splitlines())


def test_control_fields_version_and_conffiles(stub_deb):
    assert _run("dpkg-deb", "-f", str(stub_deb), "Package").strip() == "tilldesk"
    # The git stamp, made a valid Debian version (digits first, no hyphens).
    assert _run("dpkg-deb", "-f", str(stub_deb), "Version").strip() == (
        "0.1.0+gitv0.1.3.gabc1234.dirty"
    )
    assert "adduser" in _run("dpkg-deb", "-f", str(stub_deb), "Depends")
    control = Path(_run("mktemp", "-d").strip())
    try:
        _run("dpkg-deb", "-e", str(stub_deb), str(control))
        assert set((control / "conffiles").read_text().split()) == CONFFILES
        for script in ("postinst", "prerm", "postrm"):
            assert os.access(control / script, os.X_OK), script
    finally:
        shutil.rmtree(control)


# What Qt's xcb platform plugin links that the bundle does not carry (libxcb-icccm4 and
# libxcb-keysyms1 are missing on the build machine), and OpenGL/EGL, which is never bundled.
XCB_PLATFORM_PACKAGES = {
    "libc6", "libxcb1", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-cursor0", "libxcb-xkb1",
    "libxkbcommon-x11-0", "libxkbcommon0", "libx11-xcb1", "libegl1", "libgl1", "libfontconfig1",
}  # fmt: skip


def test_depends_lists_what_the_xcb_platform_needs_from_the_system(stub_deb):
    """Without libxcb-icccm4/libxcb-keysyms1 the client dies at start on a desktop with
    "Could not load the Qt platform plugin xcb" (the real bundle is checked in test_bundle.py)."""
    depends = _run("dpkg-deb", "-f", str(stub_deb), "Depends")
    listed = {part.strip().split()[0] for part in depends.split(",")}
    missing = XCB_PLATFORM_PACKAGES - listed
    assert not missing, f"not in Depends: {sorted(missing)}"


def test_desktop_entry_and_metainfo_validate(stub_deb, tmp_path):
    _run("dpkg-deb", "-x", str(stub_deb), str(tmp_path))
    if shutil.which("desktop-file-validate"):
        _run("desktop-file-validate", str(tmp_path / "usr/share/applications/tilldesk.desktop"))
    if shutil.which("appstreamcli"):
        metainfo = tmp_path / "usr/share/metainfo/com.tilldesk.Tilldesk.metainfo.xml"
        _run("appstreamcli", "validate", "--no-net", str(metainfo))


def test_unpacks_into_a_throwaway_root(stub_deb, tmp_path):
    """dpkg's own database in a scratch root: no script runs, nothing touches this machine."""
    admin = tmp_path / "var" / "lib" / "dpkg"
    for folder in ("info", "updates", "triggers"):
        (admin / folder).mkdir(parents=True)
    for name in ("status", "available"):
        (admin / name).write_text("")
    _run(
        "dpkg",
        f"--root={tmp_path}",
        "--force-not-root",
        "--force-depends",
        "--unpack",
        str(stub_deb),
    )
    owned = _run("dpkg", f"--root={tmp_path}", "-L", "tilldesk")
    assert "/opt/tilldesk/tilldesk" in owned
    assert (tmp_path / "usr/bin/tilldesk").is_symlink()
    assert (tmp_path / "lib/systemd/system/tilldesk-sync@.service").is_file()


@pytest.fixture
def host_install(stub_deb):
    """Installs on this machine for real; the teardown purges it and deletes the user it made."""
    if os.geteuid() != 0 or not host_install_tests_enabled():
        pytest.skip(
            "real dpkg -i/-r/-P on this machine: run as root with TILLDESK_HOST_DPKG_TESTS=1"
        )
    installed = subprocess.run(["dpkg", "-s", "tilldesk"], capture_output=True).returncode == 0
    had_user = subprocess.run(["getent", "passwd", "tilldesk"], capture_output=True).returncode == 0
    if installed:
        pytest.skip("a tilldesk package is already installed here: not touching it")
    yield stub_deb
    subprocess.run(["dpkg", "-P", "tilldesk"], capture_output=True)
    if not had_user:
        subprocess.run(["deluser", "--quiet", "--system", "tilldesk"], capture_output=True)
        subprocess.run(["delgroup", "--quiet", "--system", "tilldesk"], capture_output=True)


def test_install_remove_keeps_configuration_and_purge_deletes_it(host_install):
    _run("dpkg", "-i", str(host_install))
    assert _run("/usr/bin/tilldesk").strip() == "tilldesk stub"
    assert _run("getent", "passwd", "tilldesk").split(":")[5] == "/var/lib/tilldesk"
    assert Path("/lib/systemd/system/tilldesk-server.service").is_file()
    server_env = Path("/etc/tilldesk/server.env")
    server_env.write_text("TILLDESK_SERVER_DB=postgresql://till@db/till\n")  # the admin's edit
    state = Path("/var/lib/tilldesk")
    state.mkdir(exist_ok=True)
    (state / "tilldesk.sqlite").write_text("counter data")

    _run("dpkg", "-r", "tilldesk")
    assert not Path("/opt/tilldesk").exists()
    assert not Path("/usr/bin/tilldesk").exists()
    assert server_env.read_text() == "TILLDESK_SERVER_DB=postgresql://till@db/till\n"
    assert (state / "tilldesk.sqlite").exists()

    _run("dpkg", "-P", "tilldesk")
    assert not Path("/etc/tilldesk").exists()
    assert not state.exists()
    status = subprocess.run(["dpkg", "-s", "tilldesk"], capture_output=True)
    assert status.returncode != 0
