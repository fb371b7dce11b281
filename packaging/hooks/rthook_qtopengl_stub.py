"""PyInstaller runtime hook: a stand-in for PySide6.QtOpenGL, whose bindings the bundle leaves out.

pyqtgraph imports QtOpenGL at import time (PlotCurveItem, PColorMeshItem) but uses it only to
draw with OpenGL, an option (`useOpenGL`) nothing in Tilldesk turns on. The bindings weigh 9 MB;
the stand-in lets the import succeed and fails loudly on any use.
"""

import glob
import os
import sys
import types


class _LeftOut(types.ModuleType):
    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        raise ImportError(
            f"PySide6.QtOpenGL.{name}: OpenGL drawing is left out of this build "
            "(packaging/tilldesk.spec)"
        )


_bundled = glob.glob(os.path.join(getattr(sys, "_MEIPASS", ""), "PySide6", "QtOpenGL.*"))
if not _bundled and "PySide6.QtOpenGL" not in sys.modules:
    sys.modules["PySide6.QtOpenGL"] = _LeftOut("PySide6.QtOpenGL")
