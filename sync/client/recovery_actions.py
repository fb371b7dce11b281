"""A recovery executive's action on a case from a counter without the recovery database: sent
to the central server at once (which applies it to the recovery database and publishes the
case), then the feed is pulled so the counter's copy shows the result. Offline, the action is
refused with a message saying so: a pause queued for later could let the engine charge first.

`tilldesk client` installs this module as the Case screen's port (ui/recovery/case_server.py);
the HTTP client is imported at the first action, not at start-up.
"""

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from app.domain.errors import UserFacingError
from app.services.runtime import Counter
from sync.client.plan_offers import send_plan_offer as send_plan_offer  # the plan port too

if TYPE_CHECKING:  # the recovery services load at the first action, not at start-up
    from app.services.smart_collect_actions import ActionResult

log = logging.getLogger(__name__)


class CaseAction(BaseModel):
    verb: str
    reason: str
    username: str
    owner: str = ""


class CaseActionDone(BaseModel):
    case_id: str
    status: str
    message: str


class SmartCollectAction(BaseModel):
    action: str  # reschedule | attempt
    username: str


class SmartCollectActionDone(BaseModel):
    case_id: str
    next_at: datetime
    reason: str
    optimal_window_used: bool


def send_case_action(
    counter: Counter, case_id: str, verb: str, reason: str, username: str, owner: str = ""
) -> str:
    """Apply the action on the server; returns the case's status after it. UserFacingError
    when the server refuses it or is out of reach."""
    from sync.client.errors import ServerRefused, ServerUnavailable

    client, db = _client(counter, "Case actions")
    body = CaseAction(verb=verb, reason=reason, username=username, owner=owner)
    try:
        done = client._call("POST", f"/v1/recovery/cases/{case_id}/actions", CaseActionDone,
                            body=body)  # fmt: skip
        _pull(db, client)
    except ServerUnavailable as error:
        raise UserFacingError(
            f"The central server is out of reach, so the case cannot be changed from this "
            f"counter now ({error}). Try again when the counter is online."
        ) from None
    except ServerRefused as error:
        raise UserFacingError(str(error)) from None
    finally:
        client.close()
    return str(done.status)


def send_smart_collect_action(
    counter: Counter, case_id: str, action: str, username: str
) -> "ActionResult":
    """Reschedule to optimal ("reschedule") or Attempt now ("attempt") on the server, through
    the engine's rules there; the feed is pulled after it. UserFacingError when refused or
    out of reach.

    Never queued in the outbox for later: both act on the server's schedule of charges as it
    is now (an "attempt now" replayed hours later is a charge nobody asked for then, and a
    reschedule computed on a stale window may land after a charge the engine made meanwhile),
    and the engine's rules must be able to refuse them while the person is still looking."""
    from app.services.smart_collect_actions import ActionResult
    from sync.client.errors import ServerRefused, ServerUnavailable

    client, db = _client(counter, "Smart Collect actions")
    body = SmartCollectAction(action=action, username=username)
    try:
        done = client._call("POST", f"/v1/recovery/cases/{case_id}/smart-collect",
                            SmartCollectActionDone, body=body)  # fmt: skip
        _pull(db, client)
    except ServerUnavailable as error:
        log.warning("smart collect action on %s: %s", case_id, error)  # the details: for support
        raise UserFacingError(
            f"The central server is out of reach, so case {case_id} cannot be rescheduled or "
            "attempted from this counter now. Nothing was changed or queued: try again when the "
            "counter is online."
        ) from None
    except ServerRefused as error:
        raise UserFacingError(str(error)) from None
    finally:
        client.close()
    return ActionResult(done.case_id, done.next_at, done.reason, done.optimal_window_used)


def _client(counter: Counter, what: str) -> tuple[Any, Any]:  # ServerClient: imported late
    from sync.client import state
    from sync.client.errors import NotRegistered
    from sync.client.http import ServerClient
    from sync.client.tokens import TokenStore

    db = counter.database
    try:
        where = state.connection(db)
    except NotRegistered as error:
        raise UserFacingError(f"{what} need the central server: {error}") from None
    token = TokenStore().load(where.server_url, where.terminal_code)
    if not token:
        raise UserFacingError("This terminal's token is not in the keyring: register it again.")
    return ServerClient(where.server_url, token=token, ca_file=where.ca_file), db


def _pull(db: object, client: object) -> None:
    from sync.client.pull import pull_all

    pull_all(db, client)  # type: ignore[arg-type]  # the server published the change: show it


class StepDone(BaseModel):
    username: str
    note: str


class StepDoneAnswer(BaseModel):
    case_id: str
    step_id: int
    state: str


def send_step_done(counter: Counter, case_id: str, step_id: int, username: str, note: str) -> str:
    """Mark the case's escalation step done on the server (refused offline, like the rest: a
    step done late is recorded at the time the server hears of it)."""
    from sync.client.errors import ServerRefused, ServerUnavailable

    client, db = _client(counter, "Escalation steps")
    try:
        body = StepDone(username=username, note=note)
        done = client._call("POST", f"/v1/recovery/cases/{case_id}/steps/{step_id}/done",
                            StepDoneAnswer, body=body)  # fmt: skip
        _pull(db, client)
    except ServerUnavailable as error:
        log.warning("escalation step %s of %s: %s", step_id, case_id, error)
        raise UserFacingError(
            "The central server is out of reach, so the step cannot be marked done from this "
            "counter now. Nothing was changed or queued: try again when the counter is online."
        ) from None
    except ServerRefused as error:
        raise UserFacingError(str(error)) from None
    finally:
        client.close()
    return done.state
