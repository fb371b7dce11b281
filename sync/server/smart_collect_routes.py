"""Smart Collect over HTTP for server admins: a consumer's view, reschedule, attempt now.

The data and the actions come from plain callables the composition root
(cli/wiring/server_smart_collect.py) wires to the recovery services, so this module knows no
database. Attempt now only queues the case for the recovery service, which charges it through
the network rules' permits: the answer says QUEUED, never SUCCESS.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel

from app.domain.errors import UserFacingError

PREFIX = "/v1/smart-collect"
_basic = HTTPBasic(auto_error=False)


@dataclass(frozen=True)
class SmartCollectActions:
    view: Callable[[str], dict[str, Any] | None]  # consumer -> the view; None: unknown
    reschedule: Callable[[str, str, str], dict[str, Any]]  # consumer, case, who -> result
    attempt: Callable[[str, str, str], dict[str, Any]]


class CollectionRequest(BaseModel):
    consumer_id: str
    collection_id: str  # the recovery case's id


class RescheduleAnswer(BaseModel):
    status: str
    message: str
    collection_id: str
    next_at: str
    updated_at: str
    optimal_window_used: bool


class AttemptAnswer(BaseModel):
    status: str  # QUEUED: the recovery service attempts it at its next pass
    message: str
    collection_id: str
    attempt_date: str
    requested_by: str


def require_admin(
    request: Request, credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)]
) -> str:
    """The server app's own admin check (sync.server.app puts it on app.state)."""
    check: Callable[[Request, HTTPBasicCredentials | None], str] = request.app.state.admin
    return check(request, credentials)


Admin = Annotated[str, Depends(require_admin)]
REFUSED: dict[int | str, dict[str, Any]] = {
    401: {"description": "Server admin credentials are required"}
}


def smart_collect_router(actions: SmartCollectActions) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["smart collect"], responses=REFUSED)

    @router.get("", responses={404: {"description": "Unknown consumer"}})
    def consumer_view(who: Admin, consumer: str) -> dict[str, Any]:
        view = _or_400(lambda: actions.view(consumer))
        if view is None:
            raise HTTPException(404, f"There is no consumer {consumer}.")
        return view

    @router.post("/reschedule", responses={400: {"description": "Refused by a rule"}})
    def reschedule(who: Admin, body: CollectionRequest) -> RescheduleAnswer:
        result = _or_400(lambda: actions.reschedule(body.consumer_id, body.collection_id, who))
        return RescheduleAnswer(
            status="success",
            message=f"Collection {body.collection_id} rescheduled to {result['next_at']}",
            collection_id=body.collection_id,
            next_at=result["next_at"],
            updated_at=result["updated_at"],
            optimal_window_used=result["optimal_window_used"],
        )

    @router.post("/attempt", responses={400: {"description": "Refused by a rule"}})
    def attempt(who: Admin, body: CollectionRequest) -> AttemptAnswer:
        result = _or_400(lambda: actions.attempt(body.consumer_id, body.collection_id, who))
        return AttemptAnswer(
            status="QUEUED",
            message=result["reason"],
            collection_id=body.collection_id,
            attempt_date=result["next_at"],
            requested_by=who,
        )

    return router


def _or_400(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except UserFacingError as error:
        raise HTTPException(400, str(error)) from None
