"""A counter's recovery executive acts on a case through the server: POST
/v1/recovery/cases/{id}/actions with the terminal's token. The counter has no recovery database
of its own; the action is applied to the server's at once (or refused with the reason) and the
case goes out again on the feed. The server checks the user the terminal names: a known,
active user whose role may work recovery cases.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from app.domain.errors import UserFacingError
from sync.server.auth import TerminalIdentity
from sync.server.recovery_access import active_terminal, recovery_user_role

Verb = Literal["pause", "resume", "stop", "note", "escalate"]


class CaseActionIn(BaseModel):
    verb: Verb
    reason: str = Field(min_length=1, max_length=2000)  # the note's text for "note"
    username: str = Field(min_length=1, max_length=64)
    owner: str = Field(default="", max_length=64)  # whom an escalation goes to


class CaseActionOut(BaseModel):
    case_id: str
    status: str  # the case's status after the action
    message: str


# (case id, verb, reason, username, owner, now) -> (status, message); UserFacingError refuses.
Act = Callable[[str, str, str, str, str, datetime], tuple[str, str]]
Published = Callable[[Engine, str], None]  # the case changed: publish it on this server now


def recovery_case_router(act: Act, published: Published) -> APIRouter:
    router = APIRouter(tags=["recovery"])

    @router.post("/v1/recovery/cases/{case_id}/actions", response_model=CaseActionOut)
    def case_action(
        case_id: str,
        body: CaseActionIn,
        request: Request,
        who: Annotated[TerminalIdentity, Depends(active_terminal)],
    ) -> CaseActionOut:
        recovery_user_role(request.app.state.engine, body.username)
        now = request.app.state.clock()
        try:
            new_status, message = act(case_id, body.verb, body.reason, body.username,
                                      body.owner, now)  # fmt: skip
        except UserFacingError as refused:
            raise HTTPException(status.HTTP_409_CONFLICT, refused.message) from None
        published(request.app.state.engine, case_id)
        return CaseActionOut(case_id=case_id, status=new_status, message=message)

    return router
