"""How a counter that runs on its own connects to a central server later, from the Sync screen:
the composition root's registrar (the one the first-run wizard uses) and the start of the
background sync, installed by ui/app.py's run_client (`tilldesk client`). The ui imports
neither cli nor the sync client's registration; without an installed link there is no
"Connect to a server..." (tools, tests of other screens)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported before the first frame (ui/app.py): no services yet
    from app.services.first_run import RegistrarFactory


@dataclass(frozen=True)
class ServerLink:
    """`registrar`: registers the open counter (cli/wiring/first_run.py's first_run_registrar).
    `start_sync`: starts the background sync now that the counter is registered; it runs on
    the worker that registered, never on the GUI thread."""

    registrar: RegistrarFactory
    start_sync: Callable[[], object]


_installed: list[ServerLink] = []


def install(link: ServerLink | None) -> None:
    """Called once by run_client (and by tests); None removes it."""
    _installed[:] = [link] if link is not None else []


def server_link() -> ServerLink | None:
    return _installed[0] if _installed else None
