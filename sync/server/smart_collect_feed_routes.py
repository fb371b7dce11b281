"""Reschedule to optimal, Attempt now and "escalation step done" from a counter without the
recovery database: POST /v1/recovery/cases/{id}/smart-collect (and .../steps/{step}/done) with
the terminal's token, applied to the recovery
database at once through the same engine rules as at the central office (or refused with the
reason), then the case and its consumer's Smart Collect view go out again on the feed.

The user the terminal names must be active and work recovery cases; Attempt now is a
supervisor's (billing manager, admin), as on the screens.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from app.domain.errors import UserFacingError
from app.domain.roles import Role
from sync.server.auth import TerminalIdentity
from sync.server.recovery_access import active_terminal, recovery_user_role

SUPERVISORS = {Role.BILLING_MANAGER, Role.ADMIN}


class SmartCollectActionIn(BaseModel):
    action: Literal["reschedule", "attempt"]
    username: str = Field(min_length=1, max_length=64)


class StepDoneIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    note: str = Field(default="done", max_length=2000)


class StepDoneOut(BaseModel):
    case_id: str
    step_id: int
    state: str


class SmartCollectActionOut(BaseModel):
    case_id: str
    next_at: str  # ISO, UTC
    reason: str
    optimal_window_used: bool


# (case id, action, username, now) -> the result's fields; UserFacingError refuses.
Act = Callable[[str, str, str, datetime], dict[str, Any]]
# (case id, step id, username, note, now): the step is done; UserFacingError refuses.
CloseStep = Callable[[str, int, str, str, datetime], None]
Published = Callable[[Engine, str], None]  # the case changed: publish it and its view now


def smart_collect_case_router(act: Act, close_step: CloseStep, published: Published) -> APIRouter:
    router = APIRouter(tags=["recovery"])

    @router.post("/v1/recovery/cases/{case_id}/smart-collect", response_model=SmartCollectActionOut)
    def smart_collect_action(
        case_id: str,
        body: SmartCollectActionIn,
        request: Request,
        who: Annotated[TerminalIdentity, Depends(active_terminal)],
    ) -> SmartCollectActionOut:
        _check_user(request.app.state.engine, body.username, body.action)
        try:
            done = act(case_id, body.action, body.username, request.app.state.clock())
        except UserFacingError as refused:
            raise HTTPException(status.HTTP_409_CONFLICT, refused.message) from None
        published(request.app.state.engine, case_id)
        return SmartCollectActionOut(**done)

    @router.post("/v1/recovery/cases/{case_id}/steps/{step_id}/done", response_model=StepDoneOut)
    def step_done(
        case_id: str,
        step_id: int,
        body: StepDoneIn,
        request: Request,
        who: Annotated[TerminalIdentity, Depends(active_terminal)],
    ) -> StepDoneOut:
        _check_user(request.app.state.engine, body.username, "step_done")
        try:
            close_step(case_id, step_id, body.username, body.note, request.app.state.clock())
        except UserFacingError as refused:
            raise HTTPException(status.HTTP_409_CONFLICT, refused.message) from None
        published(request.app.state.engine, case_id)
        return StepDoneOut(case_id=case_id, step_id=step_id, state="done")

    return router


def _check_user(engine: Engine, username: str, action: str) -> None:
    role = recovery_user_role(engine, username)
    if action == "attempt" and role not in {r.value for r in SUPERVISORS}:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, f"Attempt now is a supervisor's action; {username} is not."
        )
