"""A recovery executive's action on a case from a counter without the recovery database: sent
to the central server at once (which applies it to the recovery database and publishes the
case), then the feed is pulled so the counter's copy shows the result. Offline, the action is
refused with a message saying so: a pause queued for later could let the engine charge first.

`tilldesk client` installs this module as the Case screen's port (ui/recovery/case_server.py);
the HTTP client is imported at the first action, not at start-up.
"""

from pydantic import BaseModel

from app.domain.errors import UserFacingError
from app.services.runtime import Counter


class CaseAction(BaseModel):
    verb: str
    reason: str
    username: str
    owner: str = ""


class CaseActionDone(BaseModel):
    case_id: str
    status: str
    message: str


def send_case_action(
    counter: Counter, case_id: str, verb: str, reason: str, username: str, owner: str = ""
) -> str:
    """Apply the action on the server; returns the case's status after it. UserFacingError
    when the server refuses it or is out of reach."""
    from sync.client import state
    from sync.client.errors import NotRegistered, ServerRefused, ServerUnavailable
    from sync.client.http import ServerClient
    from sync.client.pull import pull_all
    from sync.client.tokens import TokenStore

    db = counter.database
    try:
        where = state.connection(db)
    except NotRegistered as error:
        raise UserFacingError(f"Case actions need the central server: {error}") from None
    token = TokenStore().load(where.server_url, where.terminal_code)
    if not token:
        raise UserFacingError("This terminal's token is not in the keyring: register it again.")
    client = ServerClient(where.server_url, token=token, ca_file=where.ca_file)
    body = CaseAction(verb=verb, reason=reason, username=username, owner=owner)
    try:
        done = client._call("POST", f"/v1/recovery/cases/{case_id}/actions", CaseActionDone,
                            body=body)  # fmt: skip
        pull_all(db, client)  # the server published the case: show it as it is now
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
