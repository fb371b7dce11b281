"""`tilldesk` (or `tilldesk client`): open the desktop client on this counter's database."""

import threading
from argparse import Namespace, _SubParsersAction
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from cli.context import database_path


def register(sub: _SubParsersAction, common: list) -> None:
    client = sub.add_parser("client", parents=common, help="open the desktop client (default)")
    client.add_argument(
        "--exit-after-startup",
        action="store_true",
        help="show the window, print the milliseconds from process start to its first frame, exit",
    )
    client.set_defaults(run=run_client_command)


class PrintingOnFirstUse:
    """cli/wiring/printing.py, imported at the first print (or by the warm-up after the first
    frame): its renderers bring reportlab and python-escpos' capability database, which the
    sign-in screen has no use for."""

    def __getattr__(self, name: str) -> Any:
        from cli.wiring import printing

        return getattr(printing, name)


class RecoveryActionsOnFirstUse:
    """sync/client/recovery_actions.py, imported when a case is first changed through the
    server: its HTTP client and pydantic wire models are not needed to show the sign-in screen."""

    def __getattr__(self, name: str) -> Any:
        from sync.client import recovery_actions

        return getattr(recovery_actions, name)


def warm_printing() -> None:
    from cli.wiring import printing  # noqa: F401  (the import is the warming)


class SyncAfterFirstFrame:
    """The background sync (pushes and pulls beside the window when registered), started by
    the warm-up thread once the window is shown: its HTTP client and wire models take a
    sixth of a second to import, which the sign-in screen does not wait for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._running = ExitStack()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        from sync.client.background import background_sync
        from ui.sync_progress import report  # the first load's progress, to the status bar

        with self._lock:  # a window closed meanwhile: no sync to start
            if not self._closed:
                self._running.enter_context(background_sync(self.path, on_load=report))

    def stop(self) -> None:
        with self._lock:
            self._closed = True
            self._running.close()


def install_ports() -> None:
    """The screens' printing and case actions via the server, each imported on first use.
    The ports' modules load the services (SQLAlchemy): installed after the first frame, before
    the counter opens (so before any sign-in), by ui/app.py."""
    from ui.printing_port import install
    from ui.recovery.case_server import install as install_case_server

    install(PrintingOnFirstUse())
    install_case_server(RecoveryActionsOnFirstUse())


def run_client_command(args: Namespace) -> int:
    from ui.app import run_client  # Qt is loaded only when the window is wanted

    path = database_path(args)
    if getattr(args, "exit_after_startup", False):  # a measurement: no background sync
        return run_client(
            path,
            exit_after_startup=True,
            warm_ups=(warm_printing,),
            before_counter=(install_ports,),
        )
    from cli.wiring.first_run import first_run_registrar

    sync = SyncAfterFirstFrame(path)
    try:
        return run_client(
            path,
            warm_ups=(sync.start, warm_printing),
            first_run_registrar=first_run_registrar,
            before_counter=(install_ports,),
        )
    finally:
        sync.stop()
