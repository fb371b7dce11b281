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
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy import Engine, select

from app.domain.errors import UserFacingError
from app.domain.roles import Role
from sync.server.auth import TerminalIdentity, terminal_for_token
from sync.server.tables import users

RECOVERY_ROLES = {Role.RECOVERY_EXECUTIVE, Role.BILLING_MANAGER, Role.ADMIN}
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

_bearer = HTTPBearer(auto_error=False)


def recovery_case_router(act: Act, published: Published) -> APIRouter:
    router = APIRouter(tags=["recovery"])

    def terminal(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> TerminalIdentity:
        engine: Engine = request.app.state.engine
        found = None
        if credentials is not None and credentials.scheme.lower() == "bearer":
            with engine.connect() as connection:
                found = terminal_for_token(connection, credentials.credentials)
        if found is None or not found.active:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "A valid terminal token is required.",
                                headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
        return found

    @router.post("/v1/recovery/cases/{case_id}/actions", response_model=CaseActionOut)
    def case_action(
        case_id: str,
        body: CaseActionIn,
        request: Request,
        who: Annotated[TerminalIdentity, Depends(terminal)],
    ) -> CaseActionOut:
        _check_user(request.app.state.engine, body.username)
        now = request.app.state.clock()
        try:
            new_status, message = act(case_id, body.verb, body.reason, body.username,
                                      body.owner, now)  # fmt: skip
        except UserFacingError as refused:
            raise HTTPException(status.HTTP_409_CONFLICT, refused.message) from None
        published(request.app.state.engine, case_id)
        return CaseActionOut(case_id=case_id, status=new_status, message=message)

    return router


def _check_user(engine: Engine, username: str) -> None:
    with engine.connect() as connection:
        data = connection.scalar(select(users.c.data).where(users.c.username == username))
    if data is None or not data.get("active", False):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"{username} is not an active user.")
    if str(data.get("role")) not in {r.value for r in RECOVERY_ROLES}:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, f"{username} may not work recovery cases (role)."
        )
