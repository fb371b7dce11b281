"""A recovery executive's plan offer on a case from a counter without the recovery database:
sent to the central server at once (which records the offer, makes the PP- plan once the
consumer has accepted and publishes both), then the feed is pulled so this counter shows the
plan and the case as they are now. Offline it is refused with a message: a plan number comes
only from the server, and an offer queued for later could meet a case already paid.

`tilldesk client` installs sync/client/recovery_actions.py as the Case screen's port, and that
module re-exports `send_plan_offer` (ui/recovery/plan_offer_dialog.py finds it there); the HTTP
client is imported at the first offer.
"""

from dataclasses import asdict

from pydantic import BaseModel

from app.domain.errors import UserFacingError
from app.domain.plan_offers import PlanOfferRequest
from app.services.runtime import Counter


class PlanOffer(BaseModel):
    verb: str  # offer, accept, decline
    username: str
    installments: int = 0
    frequency: str = ""
    down_payment: str = ""
    first_due: str = ""
    accepted_by: str = ""
    channel: str = ""
    evidence: str = ""
    reason: str = ""


class PlanOfferDone(BaseModel):
    case_id: str
    status: str
    plan_number: str
    message: str


def send_plan_offer(counter: Counter, case_id: str, request: PlanOfferRequest) -> str:
    """The offer (or the consumer's answer) applied on the server; returns what the server
    said. UserFacingError when the server refuses it or is out of reach."""
    from sync.client import state
    from sync.client.errors import NotRegistered, ServerRefused, ServerUnavailable
    from sync.client.http import ServerClient
    from sync.client.pull import pull_all
    from sync.client.tokens import TokenStore

    db = counter.database
    try:
        where = state.connection(db)
    except NotRegistered as error:
        raise UserFacingError(f"Plan offers need the central server: {error}") from None
    token = TokenStore().load(where.server_url, where.terminal_code)
    if not token:
        raise UserFacingError("This terminal's token is not in the keyring: register it again.")
    client = ServerClient(where.server_url, token=token, ca_file=where.ca_file)
    try:
        done = client._call("POST", f"/v1/recovery/cases/{case_id}/plan-offer", PlanOfferDone,
                            body=PlanOffer(**asdict(request)))  # fmt: skip
    except ServerUnavailable as error:
        client.close()
        raise UserFacingError(
            f"The central server is out of reach, so no plan can be offered from this counter "
            f"now ({error}). Try again when the counter is online."
        ) from None
    except ServerRefused as error:
        client.close()
        raise UserFacingError(str(error)) from None
    try:
        pull_all(db, client)  # the plan and the case, as the server has them now
    except UserFacingError:
        pass  # done on the server: the next sync brings it here
    finally:
        client.close()
    return done.message
