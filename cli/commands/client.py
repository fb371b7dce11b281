"""`tilldesk` (or `tilldesk client`): open the desktop client on this counter's database."""

import threading
from argparse import Namespace, _SubParsersAction
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.context import database_path

if TYPE_CHECKING:
    from app.db.database import Database
    from app.services.first_run import Registrar, ServerAnswers

NOTHING_CHANGED = "Nothing was changed on this counter."


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
        self._registered_later = False

    def start(self) -> None:
        with self._lock:  # a window closed meanwhile (or connected first): no sync to start
            if not self._closed and not self._registered_later:
                self._enter()

    def start_registered(self) -> None:
        """The counter was just registered from the Sync screen: the sync started with the
        window found it unregistered and runs no runner, so start it again, without a restart
        of the client. On the worker that registered, never on the GUI thread."""
        with self._lock:
            if self._closed:
                return
            self._registered_later = True
            self._running.close()  # the start-up's: its own connection, no runner
            self._running = ExitStack()
            self._enter()

    def _enter(self) -> None:
        from sync.client.background import background_sync
        from ui.sync_progress import report  # the first load's progress, to the status bar

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


def connect_registrar(server: "ServerAnswers", code: str, folder: Path) -> "Registrar":
    """The wizard's registrar for a counter already in use (the Sync screen's "Connect to a
    server..."): the same refusals, but nothing to press Finish on."""
    from app.domain.errors import UserFacingError
    from cli.wiring.first_run import NOTHING_SET_UP, first_run_registrar

    register = first_run_registrar(server, code, folder)

    def connect(db: "Database") -> object:
        try:
            return register(db)
        except UserFacingError as error:
            raise UserFacingError(error.message.replace(NOTHING_SET_UP, NOTHING_CHANGED)) from None

    return connect


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
            connect_registrar=connect_registrar,
            start_sync_later=sync.start_registered,
        )
    finally:
        sync.stop()
