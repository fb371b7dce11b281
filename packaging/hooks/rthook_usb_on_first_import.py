"""PyInstaller runtime hook: PyInstaller-contrib's pyusb hook (`pyi_rth_usb`), run when pyusb is
first imported instead of at every start.

That hook points pyusb's backends at the bundled libusb; to do so it imports ctypes and the
three backends, about 30 ms of CPU before any command, the client's sign-in screen included,
although only a USB receipt printer needs them. The spec removes the original from the
program's start and appends `_install(<its source>)` to a copy of this file: the source then
runs right after the `usb` package is first imported (before any backend is asked for a
library), exactly as it would have at start.
"""

import importlib.abc
import importlib.util
import sys
from types import ModuleType
from typing import Any

PACKAGE = "usb"


class _ThenRun(importlib.abc.Loader):
    """The package's own loader, then the hook's source."""

    def __init__(self, loader: Any, source: str) -> None:
        self.loader, self.source = loader, source

    def create_module(self, spec: Any) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        exec(compile(self.source, "pyi_rth_usb.py", "exec"), {"__name__": "pyi_rth_usb"})

    def __getattr__(self, name: str) -> Any:  # get_code, get_resource_reader...: the original's
        return getattr(self.loader, name)


class _OnFirstImport(importlib.abc.MetaPathFinder):
    def __init__(self, source: str) -> None:
        self.source = source

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != PACKAGE:
            return None
        sys.meta_path.remove(self)  # once: the real finders find the package
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenRun(spec.loader, self.source)
        return spec


def _install(source: str) -> None:
    if PACKAGE in sys.modules:  # already imported: run it now, as PyInstaller would have
        exec(compile(source, "pyi_rth_usb.py", "exec"), {"__name__": "pyi_rth_usb"})
    else:
        sys.meta_path.insert(0, _OnFirstImport(source))
