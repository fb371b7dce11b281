"""Start the desktop client: open (and migrate) the counter's database, show the window."""

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.services.runtime import open_counter
from app.services.settings import current_settings
from app.services.status import counter_status
from ui.context import ClientContext
from ui.errors import install_excepthook, setup_logging
from ui.main_window import MainWindow
from ui.ops import wait_for_all

STYLE = Path(__file__).resolve().parents[1] / "resources" / "styles" / "tilldesk.qss"


def build_window(db_path: Path) -> MainWindow:
    counter = open_counter(db_path)
    settings = current_settings(counter.read())
    terminal = counter_status(counter.read()).terminal_code
    context = ClientContext(counter=counter, settings=settings, terminal_code=terminal)
    return MainWindow(context, idle_lock_ms=settings.idle_lock_minutes * 60_000)


def apply_style(app: QApplication) -> None:
    if STYLE.exists():
        app.setStyleSheet(STYLE.read_text(encoding="utf-8"))


def run_client(db_path: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Tilldesk")
    setup_logging()
    apply_style(app)  # type: ignore[arg-type]
    window = build_window(db_path)
    install_excepthook(lambda: window)
    window.resize(1280, 800)
    window.show()
    code = app.exec()
    wait_for_all()
    window.context.counter.close()
    return code
