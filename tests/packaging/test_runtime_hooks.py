"""The bundle's runtime hooks (packaging/hooks/), run by the project's Python in a subprocess
as PyInstaller runs them (before the program, with sys._MEIPASS set): seconds, where the
bundle's own tests (test_bundle.py) take minutes."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import babel
import pytest

from tests.support.packaging import ROOT

sys.path.insert(0, str(ROOT / "packaging"))
from bundle_hooks import usb_hook_on_first_import

HOOKS = ROOT / "packaging" / "hooks"
LOCALES = ("root", "en", "en_US", "de", "de_DE")


def _run_after_hook(hook: str | Path, meipass: Path, code: str) -> subprocess.CompletedProcess:
    program = (
        "import runpy, sys\n"
        f"sys._MEIPASS = {str(meipass)!r}\n"
        f"runpy.run_path({str(HOOKS / hook)!r})\n" + code
    )
    return subprocess.run(
        [sys.executable, "-c", program],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_babel_reads_its_locales_from_the_archive(tmp_path):
    """An archive holding five locales: Babel lists those, formats money with them, and
    does not find the others (its own files, still on disk here, are not read)."""
    source = Path(babel.__file__).parent / "locale-data"
    (tmp_path / "babel").mkdir()
    with zipfile.ZipFile(tmp_path / "babel" / "locale-data.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for name in LOCALES:
            zf.write(source / f"{name}.dat", f"{name}.dat")
    done = _run_after_hook(
        "rthook_babel_locale_zip.py",
        tmp_path,
        "from babel import Locale, localedata\n"
        "from babel.numbers import format_currency\n"
        "print(sorted(localedata.locale_identifiers()))\n"
        "print(format_currency(123456.5, 'EUR', locale='de_DE'))\n"
        "print(localedata.exists('de_DE'), localedata.exists('fr_FR'))\n"
        "try:\n"
        "    Locale.parse('fr_FR').currency_formats\n"
        "except Exception as error:\n"
        "    print(type(error).__name__)\n",
    )
    assert done.returncode == 0, done.stderr
    listed, money, exists, refused = done.stdout.splitlines()
    assert listed == "['de', 'de_DE', 'en', 'en_US']"
    assert money == "123.456,50\xa0€"
    assert exists == "True False"
    assert refused in ("UnknownLocaleError", "FileNotFoundError")


def test_pyqtgraph_plots_with_the_qtopengl_stand_in_and_any_use_of_it_is_refused(tmp_path):
    done = _run_after_hook(
        "rthook_qtopengl_stub.py",
        tmp_path,  # no PySide6/QtOpenGL.* in it: the stand-in is installed
        "from PySide6.QtWidgets import QApplication\n"
        "import pyqtgraph as pg\n"
        "app = QApplication([])\n"
        "plot = pg.PlotWidget()\n"
        "plot.plot([1, 3, 2, 4])\n"
        "plot.show()\n"
        "app.processEvents()\n"
        "from PySide6 import QtOpenGL\n"
        "try:\n"
        "    QtOpenGL.QOpenGLBuffer\n"
        "except ImportError as error:\n"
        "    print(error)\n",
    )
    assert done.returncode == 0, done.stderr
    assert "OpenGL drawing is left out of this build" in done.stdout


def test_the_pyusb_hook_runs_at_pyusb_s_first_import_not_at_start(tmp_path):
    """PyInstaller-contrib's pyi_rth_usb, deferred: nothing of pyusb or ctypes is loaded by the
    hook itself; on the first `import usb.core` the backends are pointed at the libusb in
    sys._MEIPASS (here a link to the system's), as the original hook does at start."""
    hook = usb_hook_on_first_import(tmp_path)
    if hook is None:
        pytest.skip("pyinstaller-hooks-contrib has no pyi_rth_usb: nothing is deferred")
    system_libusb = Path("/lib/x86_64-linux-gnu/libusb-1.0.so.0")
    if not system_libusb.exists():
        pytest.skip("no libusb-1.0 on this machine")
    (tmp_path / "libusb-1.0.so.0").symlink_to(system_libusb)
    done = _run_after_hook(
        hook,
        tmp_path,
        "print('usb' in sys.modules, 'ctypes' in sys.modules)\n"
        "import usb.core\n"
        "import usb.backend.libusb1 as libusb1\n"
        "print(libusb1._load_library.__qualname__)\n"
        "print(libusb1.get_backend() is not None)\n",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "False False",
        "get_load_func.<locals>._load_library",
        "True",
    ]
