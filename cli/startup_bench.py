"""The client's start-up time against a bare PySide6 window holding a pyqtgraph plot, measured
in the same run on the same machine (the benchmark's start-up figures)."""

import os
import statistics
import subprocess
import sys
from pathlib import Path

RUNS = 3
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
    """Median milliseconds from process start to the first frame, offscreen."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    client = [sys.executable, "-m", "cli.main", "client", "--db", str(db), "--exit-after-startup"]
    bare = [sys.executable, "-c", BARE_WINDOW]
    figures = {
        "client_startup_ms": _median(client, env),
        "bare_qt_pyqtgraph_ms": _median(bare, env),
    }
    figures["client_vs_bare"] = round(
        figures["client_startup_ms"] / figures["bare_qt_pyqtgraph_ms"], 2
    )
    return figures


def _median(command: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(RUNS):
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=120, check=True
        )
        times.append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(times)
