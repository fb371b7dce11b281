"""How the Case and Smart Collect screens change a case when this counter has no recovery
database: through the central server. `tilldesk client` installs sync/client/recovery_actions.py
here (a module satisfies the port); the screens never import the HTTP client themselves."""

from typing import TYPE_CHECKING, Protocol

from app.domain.errors import UserFacingError
from app.services.runtime import Counter

if TYPE_CHECKING:  # imports scikit-learn (the recovery model): not before the sign-in screen
    from app.services.smart_collect_actions import ActionResult


class CaseServer(Protocol):
    def send_case_action(
        self, counter: Counter, case_id: str, verb: str, reason: str, username: str,
        owner: str = "",
    ) -> str: ...  # fmt: skip

    def send_smart_collect_action(
        self, counter: Counter, case_id: str, action: str, username: str
    ) -> "ActionResult": ...  # Reschedule to optimal ("reschedule") or Attempt now ("attempt")

    def send_step_done(
        self, counter: Counter, case_id: str, step_id: int, username: str, note: str
    ) -> str: ...


_installed: list[CaseServer] = []


def install(server: CaseServer) -> None:
    _installed[:] = [server]


def case_server() -> CaseServer:
    if not _installed:
        raise UserFacingError("This counter cannot reach the central server to change a case.")
    return _installed[0]
