"""The client's start-up time against a bare PySide6 window holding a pyqtgraph plot, measured
in the same run on the same machine (the benchmark's start-up figures)."""

import os
import statistics
import subprocess
import sys
from pathlib import Path

RUNS = 5
# A bare window with a plot, reporting its first frame the way the client does.
BARE_WINDOW = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
import pyqtgraph as pg
from ui.process_age import process_age_ms
app = QApplication(sys.argv)
plot = pg.PlotWidget()
plot.plot([1, 3, 2, 4])
class First(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, lambda: (print(f"{process_age_ms():.0f}"), app.quit()))
        return False
first = First()
plot.viewport().installEventFilter(first)
plot.resize(1280, 800)
plot.show()
app.exec()
"""


def startup_figures(db: Path) -> dict[str, float]:
    """Median milliseconds from process start to the first frame, offscreen.

    As an installed client starts: with its bytecode compiled. A first, unmeasured run of each
    writes it, even where $PYTHONDONTWRITEBYTECODE is set (which would have the client compile
    its own modules at every run, and the bare window almost nothing).
    """
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    client = [sys.executable, "-m", "cli.main", "client", "--db", str(db), "--exit-after-startup"]
    bare = [sys.executable, "-c", BARE_WINDOW]
    _first_frame_ms(client, env)  # writes the bytecode; warms the disk cache
    _first_frame_ms(bare, env)
    client_ms: list[float] = []
    bare_ms: list[float] = []
    for _ in range(RUNS):  # alternated: the machine's load weighs on both alike
        client_ms.append(_first_frame_ms(client, env))
        bare_ms.append(_first_frame_ms(bare, env))
    figures = {
        "client_startup_ms": statistics.median(client_ms),
        "bare_qt_pyqtgraph_ms": statistics.median(bare_ms),
    }
    figures["client_vs_bare"] = round(
        figures["client_startup_ms"] / figures["bare_qt_pyqtgraph_ms"], 2
    )
    return figures


def _first_frame_ms(command: list[str], env: dict[str, str]) -> float:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=True)
    return float(done.stdout.strip().splitlines()[-1])
