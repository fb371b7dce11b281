"""A counter's recovery executive offers a payment plan on a case, or records the consumer's
answer, through the server: POST /v1/recovery/cases/{id}/plan-offer with the terminal's token.
The counter has no recovery database and cannot number plans, so the server does both at once
(the PP- plan goes out on the feed with the case) or refuses with the reason; offline the
counter says so and writes nothing. The server checks the user the terminal names: a known,
active user whose role may work recovery cases. An offer not accepted by its first due date has
expired: its acceptance is refused (409, saying so), and new terms may be offered at once."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from app.domain.errors import UserFacingError
from sync.server.auth import TerminalIdentity
from sync.server.recovery_access import active_terminal, recovery_user_role
from sync.server.recovery_feed_routes import Published

Verb = Literal["offer", "accept", "decline"]


class PlanOfferIn(BaseModel):
    verb: Verb  # offer (with an acceptance: offered and accepted at once), accept, decline
    username: str = Field(min_length=1, max_length=64)
    installments: int = Field(default=0, ge=0, le=1000)
    frequency: str = Field(default="", max_length=32)
    down_payment: str = Field(default="", max_length=32)  # as typed: "20.00"
    first_due: str = Field(default="", max_length=10)  # YYYY-MM-DD, or "" for one period on
    accepted_by: str = Field(default="", max_length=120)  # "" with "offer": not accepted yet
    channel: str = Field(default="", max_length=16)
    evidence: str = Field(default="", max_length=1000)
    reason: str = Field(default="", max_length=2000)  # why it was declined


class PlanOfferOut(BaseModel):
    case_id: str
    status: str  # the offer's: offered (awaiting acceptance), accepted, declined, expired
    plan_number: str  # the PP- plan once accepted, else ""
    message: str


# (this server's database, case id, the request, now) -> (offer status, plan number, message);
# UserFacingError refuses.
Act = Callable[[Engine, str, PlanOfferIn, datetime], tuple[str, str, str]]


def plan_offer_router(act: Act, published: Published) -> APIRouter:
    router = APIRouter(tags=["recovery"])

    @router.post("/v1/recovery/cases/{case_id}/plan-offer", response_model=PlanOfferOut)
    def plan_offer(
        case_id: str,
        body: PlanOfferIn,
        request: Request,
        who: Annotated[TerminalIdentity, Depends(active_terminal)],
    ) -> PlanOfferOut:
        server: Engine = request.app.state.engine
        recovery_user_role(server, body.username)
        try:
            offer_status, number, message = act(server, case_id, body, request.app.state.clock())
        except UserFacingError as refused:
            raise HTTPException(status.HTTP_409_CONFLICT, refused.message) from None
        published(request.app.state.engine, case_id)
        return PlanOfferOut(case_id=case_id, status=offer_status, plan_number=number,
                            message=message)  # fmt: skip

    return router
