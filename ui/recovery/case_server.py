"""How the Case screen changes a case when this counter has no recovery database: through the
central server. `tilldesk client` installs sync/client/recovery_actions.py here (a module
satisfies the port); the screens never import the HTTP client themselves."""

from typing import Protocol

from app.domain.errors import UserFacingError
from app.services.runtime import Counter


class CaseServer(Protocol):
    def send_case_action(
        self, counter: Counter, case_id: str, verb: str, reason: str, username: str,
        owner: str = "",
    ) -> str: ...  # fmt: skip


_installed: list[CaseServer] = []


def install(server: CaseServer) -> None:
    _installed[:] = [server]


def case_server() -> CaseServer:
    if not _installed:
        raise UserFacingError("This counter cannot reach the central server to change a case.")
    return _installed[0]
